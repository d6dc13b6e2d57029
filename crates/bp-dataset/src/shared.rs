//! Slot tables every intent may use: openers and closers, people, places, languages,
//! numbers. Entries that can open a sentence are written lower-case (see `push_text`).
//!
//! Number tables used after "a" avoid 8, 11 and 18 so that "a {n}-day trip" never needs
//! "an". Paired tables (`name_a`/`name_b`, `lang`/`lang_b`, `city`/`city2`) are disjoint,
//! so one text never names the same person, language or city twice by accident.

use super::grammar::Slots;

pub(super) const SHARED: Slots = &[
    ("hi", HI),
    ("pls", PLS),
    ("thx", THX),
    ("lead", LEAD),
    ("close", CLOSE),
    ("fmt", FMT),
    ("audience", AUDIENCE),
    ("tone", TONE),
    ("tone_end", TONE_END),
    ("lang", LANG),
    ("lang_b", LANG_B),
    ("plang", PLANG),
    ("city", CITY),
    ("city2", CITY2),
    ("business", BUSINESS),
    ("relative", RELATIVE),
    ("month", MONTH),
    ("month_late", MONTH_LATE),
    ("weekday", WEEKDAY),
    ("name_a", NAME_A),
    ("name_b", NAME_B),
    ("name_c", NAME_C),
    ("name_d", NAME_D),
    ("n_small", N_SMALL),
    ("n_2_3", N_2_3),
    ("n_3_10", N_3_10),
    ("n_words", N_WORDS),
    ("n_words_long", N_WORDS_LONG),
    ("n_lines", N_LINES),
    ("n_days", N_DAYS),
    ("n_weeks", N_WEEKS),
    ("n_months", N_MONTHS),
    ("n_people", N_PEOPLE),
    ("n_rows", N_ROWS),
    ("pct", PCT),
    ("money", MONEY),
    ("money_big", MONEY_BIG),
];

/// Openers of short requests; empty entries make "no opener" the most common case, as in
/// real traffic. Templates that follow `{hi}` start lower-case (see `push_text`).
const HI: &[&str] = &[
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "hey, ",
    "hi, ",
    "hello, ",
    "hi! ",
    "hey there! ",
    "ok, ",
    "so, ",
    "good morning! ",
    "quick one: ",
    "hiya, ",
    "morning! ",
    "hi there, ",
    "right, ",
    "alright, ",
    "hello there! ",
    "evening! ",
    "sorry to bother you, but ",
    "hey! ",
    "good afternoon! ",
    "hi again! ",
    "excuse me, ",
    "hey friend, ",
    "greetings! ",
    "hello! ",
    "ok so ",
];

const PLS: &[&str] = &["", "", "", "please ", "please ", "could you please "];

/// Closers of short requests; each carries its own leading space.
const THX: &[&str] = &[
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    " Thanks!",
    " Thank you.",
    " Thanks in advance.",
    " Cheers!",
    " Much appreciated.",
    " Thanks a lot.",
    " 🙏",
    " Ta!",
    " Thx!",
    " Thank you!",
    " Thanks so much.",
    " Appreciate it!",
    " Many thanks.",
    " Thanks heaps!",
    " ty!",
    " Thanks 😊",
    " Thank you kindly.",
    " You're a lifesaver.",
];

/// Preambles of longer requests, ending a sentence of their own.
const LEAD: &[&str] = &[
    "",
    "",
    "",
    "",
    "",
    "",
    "I need some help. ",
    "Here's my situation. ",
    "Long one, sorry! ",
    "Bear with me, this is a detailed request. ",
    "Okay, here's a bigger one. ",
    "I'd really appreciate your help with this. ",
    "Hi! ",
    "Hello. ",
    "Hey, hoping you can help. ",
    "Quick context first. ",
    "This matters a lot to me. ",
    "Good morning. ",
];

/// Closers of longer requests.
const CLOSE: &[&str] = &[
    "",
    "",
    "",
    "",
    "",
    " Thanks!",
    " Thanks in advance.",
    " Thank you so much.",
    " I appreciate it.",
    " Take your time.",
    " No rush.",
    " Happy to answer follow-up questions.",
    " Let me know if anything is unclear.",
    " Much appreciated!",
    " 🙏",
    " Cheers.",
    " Thanks, you're a star.",
];

/// One more requirement on the shape of the answer, for requests that produce a document.
const FMT: &[&str] = &[
    "",
    "",
    "",
    "",
    " Please use headings.",
    " Format it in Markdown.",
    " Use bullet points where it helps.",
    " Keep the language plain.",
    " Be concise.",
    " Be specific rather than generic.",
    " Write in British English.",
    " Write in American English.",
    " Avoid filler.",
    " Number the sections.",
];

const AUDIENCE: &[&str] = &[
    "a ten-year-old",
    "a complete beginner",
    "a high-school student",
    "my grandmother",
    "a new hire",
    "a busy manager",
    "a first-year university student",
    "a non-technical client",
    "a curious teenager",
    "my team at work",
    "a group of retirees",
    "a room of engineers",
    "an English learner",
    "a journalist",
    "nurses on a night shift",
    "small-business owners",
    "potential investors",
    "parents of young kids",
    "museum visitors",
    "my book club",
    "a sceptical friend",
    "volunteers at a food bank",
];

const TONE: &[&str] = &[
    "friendly",
    "formal",
    "playful",
    "calm",
    "warm",
    "neutral",
    "upbeat",
    "witty",
    "serious",
    "encouraging",
    "direct",
    "gentle",
    "professional",
    "casual",
    "wistful",
];

/// The tone a piece ends in; kept apart from `tone` so "from X to Y" never repeats itself.
const TONE_END: &[&str] = &[
    "hopeful",
    "bittersweet",
    "quietly triumphant",
    "eerie",
    "tender",
    "melancholy",
    "joyful",
    "defiant",
    "peaceful",
];

const LANG: &[&str] = &[
    "French",
    "Spanish",
    "German",
    "Italian",
    "Portuguese",
    "Japanese",
    "Korean",
    "Mandarin Chinese",
    "Dutch",
    "Swedish",
];

const LANG_B: &[&str] = &[
    "Polish",
    "Turkish",
    "Greek",
    "Hindi",
    "Arabic",
    "Vietnamese",
    "Indonesian",
    "Czech",
    "Norwegian",
    "Ukrainian",
    "Brazilian Portuguese",
    "Thai",
];

const PLANG: &[&str] = &[
    "Python",
    "Rust",
    "JavaScript",
    "TypeScript",
    "Go",
    "Java",
    "C#",
    "Kotlin",
    "Swift",
    "Ruby",
    "PHP",
    "C++",
    "Scala",
    "Elixir",
    "Haskell",
    "Dart",
    "Julia",
    "F#",
];

const CITY: &[&str] = &[
    "Lisbon",
    "Kyoto",
    "Mexico City",
    "Toronto",
    "Cape Town",
    "Edinburgh",
    "Seoul",
    "Buenos Aires",
    "Prague",
    "Melbourne",
    "São Paulo",
    "Zürich",
    "Kraków",
    "Reykjavík",
    "Marrakesh",
    "Vancouver",
    "Istanbul",
    "Hanoi",
    "Copenhagen",
    "Nairobi",
    "Porto",
    "Chicago",
    "Singapore",
    "Dublin",
];

const CITY2: &[&str] = &[
    "Montréal",
    "Bogotá",
    "Berlin",
    "Osaka",
    "Austin",
    "Barcelona",
    "Manchester",
    "Auckland",
    "Lyon",
    "Taipei",
    "Vienna",
    "Denver",
    "Bristol",
    "Valencia",
    "Helsinki",
    "Bangalore",
];

const BUSINESS: &[&str] = &[
    "a small bakery",
    "an online bookstore",
    "a dental clinic",
    "a SaaS startup",
    "a neighbourhood coffee shop",
    "a bike repair shop",
    "a yoga studio",
    "a local newspaper",
    "a food truck",
    "an animal shelter",
    "a family-run hotel",
    "a craft brewery",
    "a language school",
    "a plant nursery",
    "a co-working space",
    "a vintage clothing store",
    "a veterinary practice",
    "an escape room",
    "a furniture workshop",
    "a mobile game studio",
    "a wedding photographer",
    "a community theatre",
    "a dog-walking service",
    "an independent cinema",
];

const RELATIVE: &[&str] = &[
    "sister",
    "dad",
    "mum",
    "flatmate",
    "best friend",
    "uncle",
    "colleague",
    "partner",
    "grandfather",
    "neighbour",
    "brother-in-law",
    "aunt",
];

const MONTH: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Second-half months, for "from {month_early} to {month_late}"-style pairs.
const MONTH_LATE: &[&str] = &[
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const WEEKDAY: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

const NAME_A: &[&str] = &[
    "Amara", "Ben", "Chloé", "Dev", "Elena", "Farid", "Grace", "Hiro", "Inès", "Jonas", "Kemi",
];
const NAME_B: &[&str] = &[
    "Kai", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tomás", "Aoife",
];
const NAME_C: &[&str] = &[
    "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe", "Aiko", "Bruno", "Carmen", "Dmitri",
];
const NAME_D: &[&str] = &[
    "Esther", "Felix", "Gita", "Hugo", "Ivy", "Jamal", "Kofi", "Lucía", "Malik", "Nora",
];

const N_SMALL: &[&str] = &["two", "three", "four", "five"];
const N_2_3: &[&str] = &["two", "three"];
const N_3_10: &[&str] = &["three", "four", "five", "six", "seven", "ten"];
const N_WORDS: &[&str] = &["50", "60", "75", "100", "120", "150", "200", "250"];
const N_WORDS_LONG: &[&str] = &["300", "400", "500", "600", "700", "900"];
const N_LINES: &[&str] = &["4", "6", "10", "12", "14", "16", "20", "24"];
const N_DAYS: &[&str] = &["2", "3", "4", "5", "6", "7", "10", "12", "14"];
const N_WEEKS: &[&str] = &["2", "3", "4", "6", "10", "12", "16"];
const N_MONTHS: &[&str] = &["3", "4", "6", "9", "12"];
const N_PEOPLE: &[&str] = &[
    "6", "10", "12", "15", "20", "25", "30", "40", "50", "60", "75", "100", "150",
];
const N_ROWS: &[&str] = &[
    "1,200",
    "5,000",
    "12,000",
    "48,000",
    "250,000",
    "1.3 million",
    "4 million",
];
const PCT: &[&str] = &["3", "5", "7", "12", "15", "20", "25", "30", "40"];
const MONEY: &[&str] = &[
    "$500",
    "€750",
    "£1,200",
    "$2,000",
    "€3,000",
    "£4,500",
    "$6,000",
    "€10,000",
    "$900",
];
const MONEY_BIG: &[&str] = &[
    "$25,000",
    "€40,000",
    "£60,000",
    "$120,000",
    "€250,000",
    "$500,000",
    "£90,000",
];
