//! question_answering: asking for facts and explanations. Simple rows are one question;
//! moderate ones add who is asking and one or two wishes about the answer; complex ones ask
//! for a structured, multi-part explanation under several constraints.

use super::grammar::Family;

pub(super) const FAMILY: Family = Family {
    simple: &[
        "{hi}what is {thing}{qtail}?{thx}",
        "{hi}how does {mechanism} work{qtail}?{thx}",
        "{hi}{pls}explain {thing} to {audience}.{thx}",
        "{hi}can you tell me what {thing} is{qtail}?{thx}",
        "{hi}{curious}what's the difference between {pair}{qtail}?{thx}",
        "{hi}{curious}{fact_q}?{wonder}",
        "{hi}{curious}{history_q} {history}?{thx}",
        "{hi}{curious}is it true that {claim}?{wonder}",
    ],
    moderate: &[
        "{hi}{ctx}. Can you explain {thing}{qtail}? {req_a} {req_b}{close}",
        "{hi}{ctx}, so {pls}explain how {mechanism} works, step by step, for {audience}. {req_a}{close}",
        "{hi}what's the real difference between {pair}? {ctx}, and I'd like {n_2_3} clear points of contrast with an example for each.{close}",
        "{hi}{ctx}. {cause_q} {history}, and what were its {n_2_3} most important consequences? {req_a}{close}",
        "{hi}is it true that {claim}? {ctx}, and I want a straight answer: say whether it's true, why people believe it, and what the evidence shows.{close}",
        "{hi}{fact_q}? {ctx}, so please {req_a_lower} {req_b}{close}",
    ],
    complex: &[
        "{lead}I'm preparing a {n_minutes}-minute talk on {thing} for {audience}. Please explain (1) what it is, (2) how it works or came about, (3) {aspect_a}, and (4) {aspect_b}. Compare it with one closely related idea, point out the most common misconceptions, say how confident we can be in each claim, and keep the tone {tone}. End with {n_small} questions the audience might ask, with short answers.{fmt}{close}",
        "{lead}I need a thorough comparison of {pair} for {audience}. Cover how each one works, where each is used, how they were discovered or defined, and {n_2_3} practical consequences of mixing them up. Use a table for the side-by-side part, keep the whole answer under {n_words_long} words, define every technical term the first time it appears, and flag anything experts still disagree about.{fmt}{close}",
        "{lead}{ctx}. I want to really understand {history}: the long-term causes, the immediate trigger, the key people involved, and the consequences over the following decades. Please separate established facts from interpretation, mention at least two competing views among historians, give approximate dates, and keep it under {n_words_long} words.{fmt}{close}",
        "{lead}My {relative} insists that {claim}, and we've argued about it for weeks. Explain whether it's true, where the belief comes from, what the best evidence says, and why the idea is so persistent. Keep it {tone} rather than smug, name the kind of study or source behind each point, and suggest how I could explain it without starting another argument.{fmt}{close}",
        "{lead}Explain {mechanism} in three layers: first a one-sentence version for {audience}, then a paragraph with one everyday analogy, then a detailed explanation with the underlying science or maths. For each layer, say what it leaves out. Finish with {n_small} common misconceptions and a short list of questions I could explore next.{fmt}{close}",
    ],
    slots: &[
        ("thing", THING),
        ("mechanism", MECHANISM),
        ("idea", IDEA),
        ("pair", PAIR),
        ("fact_q", FACT_Q),
        ("history", HISTORY),
        ("history_q", HISTORY_Q),
        ("cause_q", CAUSE_Q),
        ("claim", CLAIM),
        ("qtail", QTAIL),
        ("wonder", WONDER),
        ("curious", CURIOUS),
        ("ctx", CTX),
        ("subject", SUBJECT),
        ("kid", KID),
        ("job", JOB),
        ("req_a", REQ_A),
        ("req_a_lower", REQ_A_LOWER),
        ("req_b", REQ_B),
        ("aspect_a", ASPECT_A),
        ("aspect_b", ASPECT_B),
        ("n_minutes", N_MINUTES),
    ],
};

const THING: &[&str] = &["{mechanism}", "{idea}"];

/// Things that "work": processes, devices, systems.
const MECHANISM: &[&str] = &[
    "photosynthesis", "compound interest", "a black hole", "the greenhouse effect",
    "plate tectonics", "machine learning", "a blockchain", "the immune system", "DNS",
    "natural selection", "the water cycle", "an index fund", "a mortgage", "public-key encryption",
    "the stock market", "herd immunity", "nuclear fusion", "a neural network", "a VPN",
    "the Doppler effect", "osmosis", "metabolism", "antibiotic resistance", "quantitative easing",
    "a heat pump", "a lithium-ion battery", "a transistor", "an electric motor", "a compiler",
    "a database index", "HTTPS", "GPS", "an MRI scanner", "a vaccine", "insulin",
    "the Krebs cycle", "a solar panel", "wind power", "a nuclear reactor", "the electoral college",
    "a credit score", "inflation", "a search engine", "a jet engine", "noise-cancelling headphones",
    "a refrigerator", "the placebo effect", "the gut microbiome", "a 3D printer", "5G",
];

/// Ideas and named concepts: fine after "what is", odd after "how does … work".
const IDEA: &[&str] = &[
    "opportunity cost", "entropy", "cognitive dissonance", "the Big Bang theory",
    "quantum entanglement", "dark matter", "relativity", "the Pythagorean theorem",
    "a derivative in calculus", "the scientific method", "game theory",
    "the tragedy of the commons", "the Dunning-Kruger effect", "confirmation bias",
    "impostor syndrome", "a carbon footprint", "ocean acidification", "El Niño",
    "the Gini coefficient", "GDP", "a trade deficit", "the separation of powers", "feudalism",
    "the Turing test", "the Fermi paradox", "a light-year", "a supernova", "open-source software",
    "Occam's razor", "the butterfly effect", "a prime number", "the Monty Hall problem",
    "utilitarianism", "stoicism", "a recession", "supply and demand", "the gig economy",
    "a social contract", "the Overton window", "survivorship bias",
];

const PAIR: &[&str] = &[
    "weather and climate", "a virus and a bacterium", "TCP and UDP", "stocks and bonds",
    "a comet and an asteroid", "baking soda and baking powder", "a crocodile and an alligator",
    "affect and effect", "RAM and storage", "a hurricane and a typhoon", "mitosis and meiosis",
    "a psychologist and a psychiatrist", "empathy and sympathy", "speed and velocity",
    "mass and weight", "a simile and a metaphor", "an epidemic and a pandemic", "DNA and RNA",
    "fission and fusion", "HTTP and HTTPS", "an ETF and a mutual fund", "venom and poison",
    "a sprain and a strain", "a hypothesis and a theory", "a cold and the flu",
    "a CPU and a GPU", "a solstice and an equinox", "AC and DC power", "a lake and a pond",
    "a frog and a toad", "interest and dividends", "a will and a trust", "latitude and longitude",
    "a democracy and a republic", "an allergy and an intolerance", "a moth and a butterfly",
];

/// Direct factual questions, without the question mark.
const FACT_Q: &[&str] = &[
    "how far is the Moon from Earth", "why is the sky blue", "why do cats purr",
    "what causes the northern lights", "how tall is Mount Everest",
    "who wrote One Hundred Years of Solitude", "when was the printing press invented",
    "why do we have leap years", "how do bees make honey", "what is the capital of Australia",
    "why does ice float", "how do airplanes stay in the air", "why do onions make you cry",
    "what does a central bank do", "why do leaves change colour in autumn",
    "how long does sunlight take to reach Earth", "why do we dream", "how fast does sound travel",
    "why is the ocean salty", "what makes a volcano erupt", "how do credit card companies make money",
    "why do we get goosebumps", "how many moons does Jupiter have",
    "who painted Girl with a Pearl Earring", "which language has the most native speakers",
    "how does caffeine keep you awake", "why do planes leave white trails in the sky",
    "what is the largest desert on Earth", "why are flamingos pink", "what causes a rainbow",
    "how do tides work", "what was the Silk Road", "why did the dinosaurs die out",
    "how do chameleons change colour", "what does the stock market actually do",
    "how does the heart pump blood", "why do we yawn", "what causes earthquakes",
    "how do migrating birds find their way", "how is paper made",
    "what did the Rosetta Stone help us understand", "how does a microwave heat food",
    "who was Ada Lovelace", "why do cut apples turn brown", "how old is the universe",
    "why does bread go stale", "how do submarines dive and surface", "what is a leap second",
    "why is Pluto no longer a planet", "how deep is the Mariana Trench",
];

const HISTORY: &[&str] = &[
    "the French Revolution", "the fall of the Berlin Wall", "the Industrial Revolution",
    "the Cold War", "the Renaissance", "the Meiji Restoration", "the Black Death",
    "the space race", "the Marshall Plan", "the Great Depression", "the Protestant Reformation",
    "the Cuban Missile Crisis", "the Opium Wars", "the Dust Bowl", "the California Gold Rush",
    "the collapse of the Roman Republic", "the abolition of the slave trade", "the moon landing",
    "the partition of India", "the Norman conquest of England", "the American Revolution",
    "the unification of Germany", "the Arab Spring", "the end of apartheid",
];

const HISTORY_Q: &[&str] = &[
    "what caused", "what led to", "who were the key figures in", "what were the main effects of",
    "what happened during",
];

const CAUSE_Q: &[&str] = &["what caused", "what led to", "what triggered"];

/// Popular claims, true or not: fact-checking is question answering.
const CLAIM: &[&str] = &[
    "we only use 10% of our brains", "goldfish have a three-second memory",
    "lightning never strikes the same place twice", "bulls are enraged by the colour red",
    "the Great Wall of China is visible from space", "cracking your knuckles causes arthritis",
    "bats are blind", "sugar makes children hyperactive", "humans have only five senses",
    "Napoleon was unusually short", "camels store water in their humps",
    "shaving makes hair grow back thicker", "we lose most of our body heat through our heads",
    "Einstein failed maths at school", "ostriches bury their heads in the sand",
    "the tongue has separate zones for each taste", "Vikings wore horned helmets",
    "dogs only see in black and white", "you should wait an hour after eating to swim",
    "mother birds reject chicks that humans have touched", "glass is a slow-flowing liquid",
    "chewing gum stays in your stomach for seven years", "goldfish grow to the size of their tank",
    "touching a toad gives you warts", "we have a separate brain in our gut",
    "carrots improve your night vision", "a penny dropped from a skyscraper can kill someone",
    "bananas grow on trees", "Mount Everest is the tallest mountain from base to peak",
    "the Sahara has always been a desert",
];

const QTAIL: &[&str] = &[
    "", "", "", " in simple terms", " in one sentence", " briefly", " in plain English",
    " exactly", " for a beginner", " like I'm five", " in a nutshell",
];

const WONDER: &[&str] = &[
    "", "", "", " Just curious.", " I've always wondered.", " Asking for a quiz.",
    " My kid asked me.", " Settle a bet for us!", " Thanks!", " Thank you!", " Cheers.",
    " No idea myself.", " It came up at dinner.", " Short answer is fine.",
];

/// Lead-ins to a factual question; they follow `{hi}`, so they read fine after "hey, ".
const CURIOUS: &[&str] = &[
    "", "", "", "", "I was wondering, ", "settle this for me: ", "out of curiosity, ",
    "for a quiz: ", "remind me, ", "random question, but ",
];

/// Who is asking and why: the context that makes a moderate question.
const CTX: &[&str] = &[
    "I'm studying for a {subject} exam next week",
    "my {kid} asked me about this at dinner and I had no good answer",
    "I keep reading about this in the news",
    "I'm writing a blog post for {audience}",
    "I'm a {job} with no background in the subject",
    "we covered this in class today but I got lost halfway",
    "I'm preparing a short presentation for work",
    "my book club is discussing it on {weekday}",
    "I'm tutoring a student and want to get it right",
    "I came across this in a documentary last night",
];

const SUBJECT: &[&str] = &[
    "biology", "economics", "physics", "history", "chemistry", "geography",
    "computer science", "finance", "psychology", "earth science", "philosophy",
];

const KID: &[&str] =
    &["eight-year-old", "teenage son", "daughter", "nephew", "niece", "youngest", "grandson"];

const JOB: &[&str] = &[
    "nurse", "graphic designer", "accountant", "chef", "lawyer", "carpenter", "retired teacher",
    "sales manager", "musician", "bus driver", "pharmacist", "florist",
];

const REQ_A: &[&str] = &[
    "Use one everyday analogy.", "Keep it under {n_words} words.",
    "Avoid jargon, or define any term you use.", "Mention one common misconception.",
    "Give a concrete example.", "Finish with a one-line summary.",
    "Use short paragraphs I can read on my phone.",
];

/// `req_a` as the end of a sentence that already started.
const REQ_A_LOWER: &[&str] = &[
    "use one everyday analogy.", "keep it under {n_words} words.",
    "avoid jargon, or define any term you use.", "mention one common misconception.",
    "give me a concrete example.", "finish with a one-line summary.",
];

const REQ_B: &[&str] = &[
    "Please also say where the idea came from.", "Also tell me why it matters in everyday life.",
    "Also tell me one surprising fact about it.", "Also suggest a good follow-up topic.",
    "Also say how people first figured it out.", "And tell me how sure scientists are about it.",
];

const ASPECT_A: &[&str] = &[
    "why it matters today", "where it shows up in everyday life", "what problems it solves",
    "how our understanding of it has changed", "who first described it and how",
];

const ASPECT_B: &[&str] = &[
    "what we still don't know about it", "the key numbers worth remembering",
    "what would change if it didn't exist", "the main criticisms of it",
    "how it is measured or tested",
];

const N_MINUTES: &[&str] = &["5", "10", "15", "20", "30", "45"];
