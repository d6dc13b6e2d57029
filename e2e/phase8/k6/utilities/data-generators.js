/**
 * Labelled prompts for the k6 suite: a deterministic, seeded generator over all ten intents
 * and three complexities, or the JSON lines of `betterprompts dataset` (env DATA_FILE).
 *
 * Every prompt carries the intent and complexity it was written for and the techniques the
 * selection policy accepts as its primary, so metric-validators.js can score each response's
 * intent and primary technique. The templates are our own, written in the style of the
 * engine's dataset generator (crates/bp-engine/src/dataset) but not copied from it: a k6
 * run must not depend on the Rust build.
 */

export const INTENTS = [
  'question_answering',
  'creative_writing',
  'code_generation',
  'data_analysis',
  'reasoning',
  'summarization',
  'translation',
  'conversation',
  'task_planning',
  'problem_solving',
];

export const COMPLEXITIES = ['simple', 'moderate', 'complex'];

export const TECHNIQUES = [
  'chain_of_thought',
  'tree_of_thoughts',
  'few_shot',
  'zero_shot',
  'role_play',
  'step_by_step',
  'structured_output',
  'emotional_appeal',
  'constraints',
  'analogical',
  'self_consistency',
  'react',
];

/**
 * The acceptable primary techniques per intent and complexity: our copy of the selection
 * policy (crates/bp-engine/data/technique-policy.json, "primary").
 */
export const PRIMARY = {
  question_answering: {
    simple: ['zero_shot'],
    moderate: ['zero_shot', 'analogical', 'role_play'],
    complex: ['chain_of_thought', 'role_play', 'step_by_step'],
  },
  creative_writing: {
    simple: ['role_play', 'emotional_appeal'],
    moderate: ['role_play', 'few_shot', 'constraints'],
    complex: ['role_play', 'constraints', 'tree_of_thoughts'],
  },
  code_generation: {
    simple: ['few_shot', 'structured_output'],
    moderate: ['few_shot', 'step_by_step', 'structured_output'],
    complex: ['react', 'chain_of_thought', 'step_by_step'],
  },
  data_analysis: {
    simple: ['structured_output'],
    moderate: ['chain_of_thought', 'structured_output'],
    complex: ['chain_of_thought', 'self_consistency', 'structured_output'],
  },
  reasoning: {
    simple: ['chain_of_thought'],
    moderate: ['chain_of_thought', 'self_consistency'],
    complex: ['tree_of_thoughts', 'self_consistency', 'chain_of_thought'],
  },
  summarization: {
    simple: ['constraints', 'structured_output'],
    moderate: ['structured_output', 'constraints'],
    complex: ['structured_output', 'step_by_step', 'constraints'],
  },
  translation: {
    simple: ['few_shot', 'constraints'],
    moderate: ['few_shot', 'constraints'],
    complex: ['few_shot', 'constraints'],
  },
  conversation: {
    simple: ['zero_shot'],
    moderate: ['zero_shot', 'role_play'],
    complex: ['role_play', 'zero_shot'],
  },
  task_planning: {
    simple: ['step_by_step'],
    moderate: ['step_by_step', 'structured_output'],
    complex: ['tree_of_thoughts', 'step_by_step', 'react'],
  },
  problem_solving: {
    simple: ['step_by_step', 'chain_of_thought'],
    moderate: ['chain_of_thought', 'step_by_step', 'tree_of_thoughts'],
    complex: ['tree_of_thoughts', 'react', 'self_consistency'],
  },
};

/** mulberry32: a tiny seeded PRNG with uniform floats in [0, 1); same seed, same stream. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return function next() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Slot values, shared by the templates below. `{name}` in a template draws one of them.
const SLOTS = {
  hi: ['', '', 'Hi! ', 'Quick one: ', 'Hello! ', 'Morning! '],
  thanks: ['', '', ' Thanks!', ' Thank you.', ' Much appreciated.'],
  topic: ['photosynthesis', 'inflation', 'plate tectonics', 'the immune system', 'black holes', 'compound interest', 'the printing press', 'vaccines'],
  event: ['the fall of the Berlin Wall', 'the moon landing', 'the French Revolution', 'the invention of the telephone', 'the end of apartheid'],
  audience: ['a ten-year-old', 'my grandmother', 'a first-year student', 'a new colleague', 'a curious teenager'],
  subject: ['a lighthouse keeper', 'a robot who learns to paint', 'a cat who runs a bakery', 'a lonely astronaut', 'two rival gardeners', 'a dragon afraid of heights'],
  form: ['poem', 'short story', 'limerick', 'song chorus', 'fairy tale'],
  product: ['a vegan bakery', 'a bike repair shop', 'a language school', 'a coffee roaster', 'a dog-walking service'],
  lang: ['Python', 'JavaScript', 'Rust', 'Go', 'TypeScript', 'Java'],
  code_task: ['reverses a string', 'checks whether a number is prime', 'removes duplicates from a list', 'counts the words in a file', 'validates an email address', 'merges two sorted arrays'],
  numbers: ['12, 15, 22, 31, 90', '140, 152, 149, 170, 188', '3.2, 4.1, 3.9, 5.0, 4.4', '210, 198, 240, 260, 255'],
  dataset: ['monthly sales for the last two years', 'survey answers from 400 customers', 'website traffic by channel', 'support tickets by category and week', 'churn by signup cohort'],
  target: ['which customers are most likely to leave', 'why revenue dipped in March', 'which channel brings the best users', 'whether the new pricing worked'],
  seq: ['2, 6, 18, 54', '81, 27, 9, 3', '1, 4, 9, 16, 25', '3, 5, 9, 17, 33'],
  name: ['Ana', 'Ben', 'Chen', 'Dara', 'Emil', 'Fatima', 'Goran', 'Hana'],
  drink: ['tea', 'coffee', 'juice', 'water'],
  doc: ['this email', 'this article', 'this meeting transcript', 'this report', 'this thread'],
  passage: [
    'The plumber can come on Saturday at 14:00, but only if someone signs for the parts.',
    'Our quarterly revenue rose 8 percent, driven by the new subscription plan, while hardware sales fell slightly.',
    'The library will close early on Friday for maintenance and reopen on Monday at the usual time.',
  ],
  phrase: ['good morning', 'where is the train station', 'thank you for your help', 'the meeting has been moved to Thursday', 'I would like a table for two'],
  language: ['French', 'German', 'Spanish', 'Japanese', 'Italian', 'Portuguese'],
  chat: ['how are you today?', 'do you have a favourite season?', 'what do you like to do for fun?', 'had a long day, how about you?'],
  goal: ['a weekend camping trip', 'moving to a new flat', 'a 5k run in eight weeks', 'a small wedding', 'a product launch'],
  city: ['Lisbon', 'Kyoto', 'Prague', 'Oslo', 'Montreal'],
  problem: ['My wifi keeps dropping every few minutes', 'My laptop fan is loud all the time', 'My sourdough comes out dense', 'The kitchen tap will not stop dripping', 'My phone battery drains overnight'],
};

// Templates per intent and complexity. Simple: one short ask. Moderate: an ask with a
// constraint or two. Complex: several requirements, context and an output format.
const TEMPLATES = {
  question_answering: {
    simple: ['{hi}What is {topic}?{thanks}', '{hi}Why is the sky blue?', '{hi}When did {event} happen?{thanks}'],
    moderate: [
      '{hi}Why does {topic} matter, and how does it actually work? Explain it for {audience} with one everyday example.{thanks}',
      '{hi}What caused {event}, and why does it still matter today? Please keep it short and mention one common misconception.',
    ],
    complex: [
      '{hi}I am preparing a lesson for {audience} about {topic}. Explain what it is, how it works and why it matters, compare two competing explanations scientists have offered, say how confident we are in each, list three sources I could check, and finish with a short quiz of five questions with answers.{thanks}',
      '{hi}Why did {event} happen, and who were the main people involved? Describe the background, what happened and the long-term effects, point out where historians disagree and why, and add a short timeline and three books for further reading.',
    ],
  },
  creative_writing: {
    simple: ['{hi}Write a haiku about {subject}.', '{hi}Write a {form} about {subject}.{thanks}', '{hi}I need a slogan for {product}.'],
    moderate: [
      '{hi}Write a {form} about {subject} for a birthday card. Keep it playful, no longer than eight lines, and end with a twist.{thanks}',
      '{hi}Write a short story about {subject} in exactly three paragraphs, in the present tense, with a hopeful ending.',
    ],
    complex: [
      '{hi}Write a short story of about 800 words about {subject}. Tell it from two alternating points of view, set it in a coastal town during a storm, give each narrator a distinct voice, weave in a recurring image of a red umbrella, avoid cliches about fate, and end on an open question. Then add a one-paragraph note on the choices you made.{thanks}',
      '{hi}Create a complete brand story for {product}: a founding myth, a mascot with a name and personality, three slogans in different tones, a 60-second radio script, and a short poem for the shop window. Keep the voice warm but never cheesy, and make every piece fit on a postcard.',
    ],
  },
  code_generation: {
    simple: ['{hi}Write a {lang} function that {code_task}.', '{hi}{lang} one-liner that {code_task}?{thanks}'],
    moderate: [
      '{hi}Write a {lang} function that {code_task}. Handle empty input and include two unit tests.{thanks}',
      '{hi}Write {lang} code that {code_task}, with a docstring and two test cases.',
    ],
    complex: [
      '{hi}Design and implement a small {lang} command-line tool that {code_task} for every file in a directory tree. It must stream large files instead of loading them, run on several threads, report progress, handle permission errors without stopping, be configurable with flags and a config file, and come with unit tests, an integration test and a README section on usage.{thanks}',
      '{hi}Build a REST API in {lang} for a to-do list with users, authentication, pagination and rate limiting. Use a relational database with migrations, validate every input, return consistent error bodies, write tests for the handlers and explain how you would deploy it behind a load balancer.',
    ],
  },
  data_analysis: {
    simple: ['{hi}Find the mean and median of {numbers}.', '{hi}Is there a trend in these monthly figures: {numbers}?{thanks}', '{hi}Which chart should I use to show {dataset}?'],
    moderate: [
      '{hi}I have {dataset}. Which statistics should I compute to find out {target}, and how should I chart the result?{thanks}',
      '{hi}Analyse these weekly conversion rates and tell me whether the change after week 3 is significant: {numbers}. Show the test you used.',
    ],
    complex: [
      '{hi}I have {dataset} in a CSV file with about 50,000 rows. I want to find out {target}. Propose a full analysis plan: data cleaning steps, the features to build, the statistical tests or models to use and why, how to check for confounders and seasonality, how to validate the results, and how to present them to executives in five charts.{thanks}',
      '{hi}We ran an A/B test on checkout for six weeks with uneven traffic between the arms, a holiday in week four and a tracking outage on two days. Explain how to analyse {dataset} from it, which corrections to apply, how to compute confidence intervals for the lift, and how to decide whether to ship.',
    ],
  },
  reasoning: {
    simple: ['{hi}Riddle: what gets wetter the more it dries?', '{hi}If all bloops are razzies and all razzies are lazzies, must all bloops be lazzies?', "{hi}What's heavier, a kilo of feathers or a kilo of steel?"],
    moderate: [
      "{hi}{=name}, Omar and Uma each ordered tea, coffee or water. {=name} didn't order tea, and Omar ordered water. Who ordered what? Explain your reasoning.",
      '{hi}A bat and a ball cost $1.10 together and the bat costs $1 more than the ball. How much is the ball? Show the algebra and check the answer.{thanks}',
    ],
    complex: [
      '{hi}Four friends, {=name}, Ben, Chen and Dara, each keep a different pet and live on different floors, 1 to 4. Clues: the cat owner lives directly above Ben; Chen is on floor 2; the parrot lives on the top floor; Dara does not live next to the dog owner. Work out who owns which pet and lives where, show each deduction, say whether the solution is unique, and if not name the smallest extra clue that would make it so.',
      '{hi}A test for a condition that affects 1 percent of people detects 95 percent of true cases and has a 5 percent false-positive rate. {=name} tests positive. What is the probability that {=name} actually has the condition? Solve it with Bayes theorem and again with natural frequencies, explain why the intuitive answer is wrong, and show how a second positive test changes it.{thanks}',
    ],
  },
  summarization: {
    simple: ['{hi}Summarize {doc} in one sentence.', '{hi}tl;dr of {doc}?', '{hi}Shorten this to one sentence: "{passage}"'],
    moderate: [
      '{hi}Summarize {doc} in three bullet points for my manager, keep each under 15 words and lead with the decision: "{passage}"{thanks}',
      '{hi}Give me the key points of {doc} as a short bulleted list.',
    ],
    complex: [
      '{hi}Summarize {doc} for three audiences: a one-line headline for executives, a 100-word overview for the team, and a detailed summary with headings for the project file. Keep every number exact, flag anything ambiguous, list open questions separately, and end with the decisions and their owners. Here it is: "{passage}"{thanks}',
    ],
  },
  translation: {
    simple: ['{hi}Translate "{phrase}" to {language}.', '{hi}How do you say "{phrase}" in {language}?{thanks}'],
    moderate: [
      '{hi}Translate "{phrase}" into {language}, once formal and once casual, and explain the difference in one line each.{thanks}',
      '{hi}Translate "{phrase}" into {language} for a business email and keep the polite tone.',
    ],
    complex: [
      '{hi}Translate the following notice into {language} for signs in a hotel lobby. Keep it formal but friendly, adapt times and dates to local conventions, keep it under 40 words, give a back-translation into English, and explain any phrase you could not translate directly: "{passage}"{thanks}',
    ],
  },
  conversation: {
    simple: ['{hi}{chat}', 'hey there, {chat}', 'Thanks, that was really kind of you!'],
    moderate: [
      "{hi}I'm bored tonight and would love a friendly chat. Ask me about my weekend and tell me about yours.",
      "I just moved to a new city and don't know anyone yet. Can we just talk for a bit? {chat}",
    ],
    complex: [
      "I've had a rough few weeks: my job is stressful, I'm not sleeping well and I feel like I'm letting my friends down. I don't want advice lists, I just want to talk it through with someone who listens, asks gentle questions and maybe shares how other people have felt in similar situations. Can you do that with me for a while?",
    ],
  },
  task_planning: {
    simple: ['{hi}Make me a packing checklist for {goal}.', '{hi}Plan a 3-day itinerary for {city}.{thanks}', '{hi}Give me a weekly schedule to prepare for {goal}.'],
    moderate: [
      '{hi}Make a two-week plan to prepare for {goal}. I can spend one hour on weekdays and more at weekends, and I want a buffer day each week.{thanks}',
      '{hi}Plan a 4-day trip to {city} for two people on a mid-range budget, with one day trip and no early mornings.',
    ],
    complex: [
      '{hi}Create a detailed project plan for {goal} with a team of five over three months: break it into phases and milestones, list the tasks with owners and dependencies, estimate effort, flag the critical path and the main risks with mitigations, plan check-ins, and give me a timeline table I can paste into a spreadsheet.{thanks}',
      '{hi}Plan a two-week trip through {city} and two other cities for a family with a toddler and a grandparent who uses a wheelchair. Balance travel days and rest days, keep the budget under 4,000 euros, include accessible transport and lodging options, a rainy-day alternative for each day, and a packing list.',
    ],
  },
  problem_solving: {
    simple: ['{hi}{problem}. Fix?', '{hi}{problem}, what should I do?{thanks}'],
    moderate: [
      '{hi}{problem}, even after I restarted everything. What could be causing it, and what should I try first, second and third?{thanks}',
      '{hi}{problem}. I have already tried the obvious things. Walk me through how to narrow down the cause and what to change.',
    ],
    complex: [
      '{hi}{problem}, and it started after we moved office. Several people are affected, but not all, and it is worse in the afternoon. We have a limited budget, no dedicated IT staff, and cannot have more than an hour of downtime. Lay out the possible causes, how to test each hypothesis, the trade-offs of each fix, and a decision plan for the next two weeks.{thanks}',
    ],
  },
};

function pick(rng, list) {
  return list[Math.floor(rng() * list.length)];
}

/** Fills `{slot}` with a fresh draw each time and `{=slot}` with one draw per prompt. */
function fill(rng, template) {
  const bound = {};
  return template.replace(/\{(=?)(\w+)\}/g, (_, once, slot) => {
    if (once === '') return pick(rng, SLOTS[slot]);
    if (!(slot in bound)) bound[slot] = pick(rng, SLOTS[slot]);
    return bound[slot];
  });
}

/**
 * `n` labelled prompts for `seed`: `{ text, intent, complexity, techniques }`. Every 30
 * consecutive prompts cover every intent x complexity cell once, so any window of the pool is
 * balanced; the template and slot values are drawn from the seeded stream.
 */
export function generatePrompts(seed, n) {
  const rng = seededRandom(seed);
  const prompts = [];
  for (let i = 0; i < n; i++) {
    const intent = INTENTS[i % INTENTS.length];
    const complexity = COMPLEXITIES[Math.floor(i / INTENTS.length) % COMPLEXITIES.length];
    const text = fill(rng, pick(rng, TEMPLATES[intent][complexity])).trim();
    prompts.push({ text, intent, complexity, techniques: PRIMARY[intent][complexity] });
  }
  return prompts;
}

/**
 * JSON lines of `betterprompts dataset` (`text`, `intent`, `complexity`, `techniques`);
 * rows without labels are sent but not scored. Call with the text of k6's `open()` (init
 * context only).
 */
export function parseDataset(text, limit) {
  const prompts = [];
  for (const line of text.split('\n')) {
    if (prompts.length >= limit) break;
    if (line.trim() === '') continue;
    const row = JSON.parse(line);
    if (typeof row.text !== 'string' || row.text.length === 0) {
      throw new Error(`DATA_FILE: every row needs a non-empty "text": ${line.slice(0, 80)}`);
    }
    prompts.push({
      text: row.text,
      intent: row.intent || null,
      complexity: row.complexity || null,
      techniques: Array.isArray(row.techniques) ? row.techniques : [],
    });
  }
  if (prompts.length === 0) throw new Error('DATA_FILE has no rows');
  return prompts;
}
