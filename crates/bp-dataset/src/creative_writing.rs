//! creative_writing: stories, poems, slogans, titles, scenes. Simple rows name a form and a
//! subject; moderate ones add audience, tone and a craft requirement; complex ones fix
//! point of view, setting, structure and what to avoid, and ask for a note afterwards.

use super::grammar::Family;

pub(super) const FAMILY: Family = Family {
    simple: &[
        "{hi}{pls}write {form} about {subject}.{thx}",
        "{hi}can you write {form} about {subject}?{thx}",
        "{hi}give me {n_3_10} {marketing} for {business}.{thx}",
        "{hi}I need {form} about {subject} for {occasion}.{thx}",
        "{hi}{pls}write {form} about {subject}{cw_tail}.{thx}",
        "{hi}{pls}write a {n_lines}-line poem about {subject}.{thx}",
        "{hi}{pls}come up with a title for {story_kind} about {subject}.{thx}",
    ],
    moderate: &[
        "{hi}write {form} about {subject} for {audience}. Keep it {tone}, no longer than {n_lines} lines, and {cw_req}.{close}",
        "{hi}for {occasion}, I'd like {form} about {subject}. It should be {tone} and {cw_req}; please also suggest a title.{close}",
        "{hi}write the opening paragraph of {story_kind} about {subject}. Set it in {setting}, introduce the main character by name, and end on a question the reader wants answered.{close}",
        "{hi}give me {n_3_10} {marketing} for {business}. The brand voice is {tone}, the audience is {audience}, and each one should be under {n_short} words.{close}",
        "{hi}write a {n_lines}-line poem about {subject} from the point of view of {pov}. Use {device} and keep the language simple enough for {audience}.{close}",
        "{hi}I'm writing {story_kind} about {subject}. Can you draft a short scene set in {setting} where {name_a} and {name_b} first meet? Keep it {tone} and under {n_words_long} words.{close}",
    ],
    complex: &[
        "{lead}Write a short story of about {n_story} words about {subject}. Tell it in {narration}, set it in {setting}, and include {element}. The tone should move from {tone} to {tone_end}, avoid clichés such as {cliche}, and end with {ending}. After the story, suggest a title and explain in one sentence the theme you were aiming for.{fmt}{close}",
        "{lead}Create a launch campaign for {business} opening its first branch in {city}. I need a campaign name, {n_3_10} slogan options, a {n_lines}-line radio jingle and a short story-style social media post. The voice should be {tone} but never pushy, it has to appeal to {audience}, avoid puns on the business name, and every piece must share one central idea. State that idea in one sentence first.{fmt}{close}",
        "{lead}Write a sequence of {n_2_3} linked poems about {subject}. Each poem should use a different form (for example a haiku, a sonnet and free verse), share one recurring image, and shift in mood from {tone} to {tone_end}. Keep each under {n_lines} lines, avoid the words 'heart' and 'soul', and add a two-sentence note explaining the recurring image.{fmt}{close}",
        "{lead}Write a {n_pages}-page screenplay scene set in {setting} in which {name_a} and {name_b} {conflict}. Use standard screenplay format, reveal their shared history only through subtext, include one moment of unexpected humour, keep the dialogue {tone}, and end the scene on a visual beat rather than a line of dialogue.{fmt}{close}",
        "{lead}I'm writing {story_kind} about {subject} for {audience}. Outline it in {n_acts} acts, give the main character a clear want and a hidden need, introduce {element} early and pay it off at the end, and suggest {n_2_3} possible titles. Then write the first {n_words} words, keeping the voice {tone}, and list which choices you would revisit in a second draft.{fmt}{close}",
    ],
    slots: &[
        ("form", FORM),
        ("subject", SUBJECT),
        ("marketing", MARKETING),
        ("occasion", OCCASION),
        ("cw_tail", CW_TAIL),
        ("story_kind", STORY_KIND),
        ("cw_req", CW_REQ),
        ("setting", SETTING),
        ("pov", POV),
        ("device", DEVICE),
        ("n_short", N_SHORT),
        ("n_story", N_STORY),
        ("n_pages", N_PAGES),
        ("n_acts", N_ACTS),
        ("narration", NARRATION),
        ("element", ELEMENT),
        ("cliche", CLICHE),
        ("ending", ENDING),
        ("conflict", CONFLICT),
    ],
};

/// Forms with their article, so "a"/"an" is always right.
const FORM: &[&str] = &[
    "a poem",
    "a haiku",
    "a limerick",
    "a short story",
    "a sonnet",
    "a song chorus",
    "a fable",
    "a bedtime story",
    "a piece of flash fiction",
    "a rap verse",
    "a free-verse poem",
    "an ode",
    "a ballad",
    "a six-word story",
    "a fairy tale",
    "a short monologue",
    "a villanelle",
    "a prose poem",
    "a campfire ghost story",
    "a nursery rhyme",
    "a short scene",
    "a diary entry by a fictional character",
];

const SUBJECT: &[&str] = &[
    "a lighthouse keeper who collects lost letters",
    "the first snow of winter",
    "a robot learning to paint",
    "a cat who thinks it's a dog",
    "a retired astronaut growing tomatoes",
    "Monday mornings",
    "the smell of rain",
    "a city that only exists at night",
    "an old bicycle",
    "a dragon afraid of heights",
    "two strangers sharing an umbrella",
    "a grandmother's recipe book",
    "the last bookshop on Earth",
    "a ghost who is bad at haunting",
    "the ocean at dawn",
    "moving to a new city",
    "a friendship between a fox and a crow",
    "a lost sock's adventure",
    "autumn in {city}",
    "a time traveller stuck in traffic",
    "a houseplant with big ambitions",
    "a detective who can smell lies",
    "the night before a big exam",
    "a village pumpkin contest",
    "a kettle that sings",
    "a lonely satellite",
    "a train whistle at midnight",
    "a chess game between old rivals",
    "a baker who bakes memories into bread",
    "learning to swim at forty",
    "coffee",
    "a wedding where everything goes wrong",
    "the moon taking a day off",
    "a village where it never stops raining",
    "a violin found in an attic",
    "an AI writing its first joke",
    "a penguin who wants to fly",
    "the end of summer",
    "a kid building a rocket in the garage",
    "a haunted vending machine",
    "a dog waiting by the door",
    "sunrise over the desert",
    "a mermaid with an office job",
    "the first day of school",
    "a letter never sent",
    "a rooftop garden in {city}",
    "an old map with a missing island",
    "a knight who'd rather be a florist",
    "the last leaf on a tree",
    "a storm over the harbour",
    "a snowman that refuses to melt",
    "a pirate who gets seasick",
    "homesickness",
    "a library that lends out dreams",
];

const MARKETING: &[&str] = &[
    "slogans",
    "taglines",
    "catchy names",
    "Instagram captions",
    "opening lines for a radio ad",
    "subject lines for a newsletter",
    "punchy headlines",
];

const OCCASION: &[&str] = &[
    "a birthday card",
    "my sister's wedding",
    "a retirement party",
    "a school assembly",
    "our office newsletter",
    "a friend's farewell party",
    "Mother's Day",
    "a Valentine's card",
    "a graduation speech",
    "my grandparents' anniversary",
];

const CW_TAIL: &[&str] = &[
    ", {tone} in tone",
    " for {audience}",
    " with a twist ending",
    " that rhymes",
    " in under {n_lines} lines",
    " in the style of a fairy tale",
];

const STORY_KIND: &[&str] = &[
    "a mystery novel",
    "a children's picture book",
    "a fantasy series",
    "a short film",
    "a podcast drama",
    "a stage play",
    "a graphic novel",
    "a young-adult novel",
];

const CW_REQ: &[&str] = &[
    "end on a hopeful note",
    "include one line of dialogue",
    "use at least one vivid colour",
    "mention {city} somewhere",
    "make the last line surprising",
    "use the second person",
    "include a small act of kindness",
    "avoid any rhymes",
    "repeat the first line at the end",
    "use only one-syllable words in the last line",
];

const SETTING: &[&str] = &[
    "a rainy port town",
    "a space station orbiting Neptune",
    "1920s {city}",
    "a desert caravan",
    "a mountain monastery",
    "a crowded night market",
    "a school for young witches",
    "a small island ferry",
    "an abandoned shopping mall",
    "a Victorian boarding house",
    "a research base in Antarctica",
    "a floating city",
    "a village at the edge of a forest",
    "a hospital at 3 in the morning",
    "a motorway service station",
];

const POV: &[&str] = &[
    "the moon",
    "a stray cat",
    "an old oak tree",
    "a city bus",
    "a teapot",
    "a lighthouse",
    "the wind",
    "a forgotten umbrella",
    "a library book",
    "a mountain",
    "a pair of old boots",
];

const DEVICE: &[&str] = &[
    "internal rhyme",
    "a repeated refrain",
    "vivid sensory detail",
    "an extended metaphor",
    "alliteration",
    "a strict syllable count",
    "enjambment",
];

const N_SHORT: &[&str] = &["5", "6", "7", "10", "12"];
const N_STORY: &[&str] = &["500", "700", "1,000", "1,200", "1,500", "2,000"];
const N_PAGES: &[&str] = &["2", "3", "4", "5"];
const N_ACTS: &[&str] = &["three", "four", "five"];

const NARRATION: &[&str] = &[
    "the first person",
    "a close third person",
    "the second person",
    "two alternating narrators",
    "the voice of a minor character",
];

const ELEMENT: &[&str] = &[
    "a locked box nobody can open",
    "a recipe that matters to the plot",
    "a misunderstanding that is cleared up at the end",
    "a phone call in the middle of the night",
    "a map drawn on a napkin",
    "a song that one character can't stop humming",
    "an unopened letter",
    "a stray dog that follows the hero",
];

const CLICHE: &[&str] = &[
    "'it was all a dream'",
    "a chosen one",
    "waking up to an alarm clock",
    "a dark and stormy night",
    "love at first sight",
    "convenient amnesia",
];

const ENDING: &[&str] = &[
    "an open question",
    "a quiet twist",
    "a callback to the first line",
    "a decision the reader may disagree with",
    "a happy reunion",
    "an image rather than an explanation",
];

const CONFLICT: &[&str] = &[
    "argue about selling the family home",
    "meet again after twenty years",
    "discover they have been writing to each other anonymously",
    "negotiate the price of a stolen painting",
    "plan a surprise party that goes wrong",
    "wait for news from a hospital",
    "share a lift that has broken down",
];
