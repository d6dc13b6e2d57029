//! reasoning: puzzles, deductions, logic, probability and estimates. Puzzles name the same
//! people and made-up categories several times, hence the bound `{=…}` slots. Clues are
//! not always enough for a unique answer; the complex prompts ask to check exactly that, so
//! the label stays honest either way.

use super::grammar::Family;

pub(super) const FAMILY: Family = Family {
    simple: &[
        "{hi}if all {=wa} are {=wb} and all {=wb} are {=wc}, are all {=wa} {=wc}?{rtail}",
        "{hi}{seq_q} {seq}?{rtail}{thx}",
        "{hi}{roughly} how many {fermi}?{rtail}{thx}",
        "{hi}{order_puzzle}",
        "{hi}which is heavier: a kilogram of {light} or a kilogram of {heavy}?{rtail}{thx}",
        "{hi}{n_m} machines make {n_m2} widgets in {n_min} minutes. How long do {n_big} machines need for {n_big2}?",
        "{hi}{sound_q} {fallacy}?{rtail}{thx}",
    ],
    moderate: &[
        "{hi}{=name_a}, {=name_b} and {=name_c} each ordered a different drink: {=drink_a}, {=drink_b} or {=drink_c}. {=name_a} didn't order the {=drink_a}, and {=name_b} ordered the {=drink_c}. Who ordered what? Explain each step of your reasoning.{close}",
        "{hi}estimate how many {fermi}. {fermi_method}, state your assumptions, and {fermi_range}.{close}",
        "{hi}{fallacy_who} keeps saying {fallacy}. Is that argument logically valid, and if not, what's the flaw? {debate_use}, plus the name of the fallacy if it has one.{close}",
        "{hi}{=name_a} is twice as old as {=name_b}. {age_clue} How old is each of them now? Show the algebra and check the answer.{close}",
        "{hi}if all {=wa} are {=wb}, and some {=wb} are {=wc}, does it follow that some {=wa} are {=wc}? Explain with a diagram described in words, and give a counterexample if it doesn't follow.{close}",
        "{hi}a train leaves {city} at {speed_a} km/h and another leaves {city2} at {speed_b} km/h, heading towards each other on the same line {dist} km apart. When and where do they meet? Show your working and check it.{close}",
    ],
    complex: &[
        "{lead}Four friends, {=name_a}, {=name_b}, {=name_c} and {=name_d}, each keep a different pet (a cat, a dog, a parrot and a tortoise) and live on different floors, 1 to 4. Clues: {=name_a} lives directly above the {pet_x} owner; {=name_b} is on floor {floor}; the {pet_y} lives on the top floor; {=name_c} does not live next to {=name_d}. Work out who owns which pet and lives where, show each deduction, say whether the solution is unique, and if it isn't, name the smallest extra clue that would make it so.{fmt}{close}",
        "{lead}Estimate {fermi_big}. Break the problem into at least {n_factors} factors, give a low, central and high value for each with a one-line justification, combine them into a final range, say which assumption the answer is most sensitive to, and describe one real data source that could check the estimate.{fmt}{close}",
        "{lead}A test for a condition that affects {prevalence} of people detects {sensitivity} of true cases and has a {fpr} false-positive rate. {=name_a} tests positive. What is the probability that {=name_a} actually has the condition? Solve it with Bayes' theorem and again with natural frequencies out of 10,000 people, explain why the intuitive answer is wrong, and show how a second, independent positive test would change the result.{fmt}{close}",
        "{lead}In a game show there are {doors}. {switch_q} Compute the exact probabilities, explain the intuition to {skeptic}, {simulate}, and say how the answer changes if the host opens doors at random instead.{fmt}{close}",
        "{lead}On an island, knights always tell the truth and knaves always lie. You meet {=name_a}, {=name_b} and {=name_c}. {=name_a} says: '{=name_b} is a knave.' {=name_b} says: '{=name_a} and {=name_c} are the same type.' {=name_c} says: '{knave_claim}' Determine who is what, show every case you considered, explain why the others lead to contradictions, and if more than one answer works, add one statement that would leave exactly one.{fmt}{close}",
    ],
    slots: &[
        ("roughly", ROUGHLY),
        ("sound_q", SOUND_Q),
        ("fermi_method", FERMI_METHOD),
        ("fermi_range", FERMI_RANGE),
        ("debate_use", DEBATE_USE),
        ("switch_q", SWITCH_Q),
        ("wa", WA),
        ("wb", WB),
        ("wc", WC),
        ("rtail", RTAIL),
        ("seq", SEQ),
        ("fermi", FERMI),
        ("fermi_big", FERMI_BIG),
        ("order_puzzle", ORDER_PUZZLE),
        ("light", LIGHT),
        ("heavy", HEAVY),
        ("n_m", N_M),
        ("n_m2", N_M),
        ("n_min", N_MIN),
        ("n_big", N_BIG),
        ("n_big2", N_BIG),
        ("fallacy", FALLACY),
        ("age_n", AGE_N),
        ("drink_a", DRINK_A),
        ("drink_b", DRINK_B),
        ("drink_c", DRINK_C),
        ("age_clue", AGE_CLUE),
        ("speed_a", SPEED),
        ("speed_b", SPEED),
        ("dist", DIST),
        ("pet_x", PET),
        ("pet_y", PET),
        ("floor", FLOOR),
        ("n_factors", N_FACTORS),
        ("prevalence", PREVALENCE),
        ("sensitivity", SENSITIVITY),
        ("fpr", FPR),
        ("doors", DOORS),
        ("knave_claim", KNAVE_CLAIM),
        ("seq_q", SEQ_Q),
        ("fallacy_who", FALLACY_WHO),
        ("skeptic", SKEPTIC),
        ("simulate", SIMULATE),
    ],
};

/// Made-up category words: a syllogism over them tests form, not world knowledge.
const WA: &[&str] = &[
    "bloops", "zarks", "wugs", "glorbs", "fendles", "trimbles", "snargs", "quibs", "daxes",
    "blickets", "frobs", "gimbles", "zorps", "plinks",
];
const WB: &[&str] = &[
    "razzies", "tinks", "plonks", "vexes", "moobles", "grinks", "sploots", "yarbles", "fepps",
    "tazzes", "norbs", "bleeps", "quarks",
];
const WC: &[&str] = &[
    "lazzles", "mippets", "drovs", "kribbles", "nurfs", "toves", "wozzles", "zibs", "cronks",
    "flims", "jibbers", "snoots", "grobs",
];

const RTAIL: &[&str] = &[
    "",
    "",
    "",
    " Explain briefly.",
    " Why?",
    " Show your reasoning.",
    " Just the logic, please.",
    " Think it through.",
];

const SEQ: &[&str] = &[
    "2, 6, 12, 20, 30",
    "1, 1, 2, 3, 5, 8",
    "3, 9, 27, 81",
    "1, 4, 9, 16, 25",
    "2, 3, 5, 7, 11, 13",
    "10, 7, 4, 1",
    "1, 2, 4, 7, 11",
    "5, 10, 20, 40",
    "1, 3, 6, 10, 15",
    "0, 1, 8, 27, 64",
    "A, C, F, J, O",
    "1, 11, 21, 1211, 111221",
    "2, 4, 8, 16, 32",
    "100, 50, 25, 12.5",
    "1, 2, 6, 24, 120",
    "J, F, M, A, M",
    "O, T, T, F, F, S, S",
    "4, 6, 9, 13.5",
    "31, 28, 31, 30",
    "7, 14, 28, 56",
    "1, 8, 27, 64, 125",
    "3, 5, 9, 17, 33",
    "Z, X, V, T",
    "6, 11, 16, 21",
    "1, 5, 14, 30, 55",
    "2, 5, 10, 17, 26",
    "1, 4, 16, 64",
    "81, 27, 9, 3",
    "2, 2, 4, 12, 48",
    "1, 3, 7, 15, 31",
    "B, D, G, K",
    "11, 13, 17, 19, 23",
    "3, 6, 18, 36, 108",
    "1, 2, 3, 5, 8, 13",
    "0, 3, 8, 15, 24",
    "M, T, W, T, F",
    "20, 19, 17, 14, 10",
    "1, 10, 100, 1000",
    "4, 9, 25, 49",
    "64, 32, 16, 8",
];

/// Fermi questions, completing "how many …".
const FERMI: &[&str] = &[
    "piano tuners work in {city}",
    "golf balls fit in a school bus",
    "cups of coffee are drunk in {city} each day",
    "words a person speaks in a lifetime",
    "hairs are on a human head",
    "tennis balls would fill an average living room",
    "pizzas are eaten in {city} every week",
    "heartbeats happen in a human lifetime",
    "petrol stations there are in {city}",
    "steps it takes to walk across {city}",
    "grains of rice are in a 1 kg bag",
    "dentists work in {city}",
    "leaves are on a mature oak tree",
    "books could fit in a typical public library",
    "people are on planes in the air right now",
    "footballs would fill a stadium",
    "teachers work in {city}",
    "taxis drive around {city} at night",
    "bicycles there are in {city}",
    "eggs are eaten in {city} each morning",
    "songs are streamed worldwide every minute",
    "emails are sent every second",
    "bricks it takes to build a house",
    "slices of bread a bakery sells in a year",
    "dogs live in {city}",
    "hot dogs are sold at a big football match",
    "photos are taken worldwide every day",
    "windows there are in a skyscraper",
    "litres of milk {city} drinks in a week",
    "lightning strikes hit the Earth in a day",
];

const ROUGHLY: &[&str] = &[
    "roughly",
    "approximately",
    "about",
    "ballpark:",
    "can you estimate",
];

const SOUND_Q: &[&str] = &[
    "is this reasoning sound:",
    "is this a valid argument:",
    "what's wrong with this logic:",
    "is there a fallacy here:",
    "does this follow:",
];

const FERMI_METHOD: &[&str] = &[
    "Break the problem into steps",
    "Walk me through it step by step",
    "Work top-down from the population",
    "Split it into a few factors you can guess",
];

const FERMI_RANGE: &[&str] = &[
    "give a range rather than a single number",
    "give a low and a high estimate",
    "say how confident you are in the result",
    "round the answer sensibly",
];

const DEBATE_USE: &[&str] = &[
    "I'd like an explanation I could use in a debate",
    "Explain it so I can reply politely",
    "I want to understand it, not just win the argument",
];

const SWITCH_Q: &[&str] = &[
    "Should you switch?",
    "Is it better to switch or stay?",
    "Does switching help?",
];

/// Fermi questions as noun phrases, for "Estimate …".
const FERMI_BIG: &[&str] = &[
    "the number of piano tuners in {city}",
    "how many litres of water a city of one million people uses per day",
    "the total weight of all the ants on Earth",
    "how many smartphones are thrown away worldwide each year",
    "how many golf balls fit inside a passenger jet",
    "the number of windows in {city}",
    "how much food {city} eats in a day, in tonnes",
    "the number of dogs living in {city}",
    "the yearly electricity use of all the streetlights in {city}",
    "how many hours of video are uploaded online each day",
    "the number of restaurants in {city}",
    "how many cups of tea are drunk in Britain each day",
    "how long it would take to count to a billion out loud",
    "how many people in {city} are on the phone at this moment",
    "the weight of all the cars in {city}",
    "how many haircuts happen in {city} each week",
];

const ORDER_PUZZLE: &[&str] = &[
    "{=name_a} is taller than {=name_b}, and {=name_b} is taller than {=name_c}. Who is the shortest?",
    "{=name_a} finished before {=name_b}, and {=name_c} finished before {=name_a}. Who came last?",
    "{=name_a} is older than {=name_b} but younger than {=name_c}. Who is the oldest?",
    "{=name_a} lives east of {=name_b}, and {=name_b} lives east of {=name_c}. Who lives furthest west?",
    "{=name_a} earns more than {=name_b}, and {=name_c} earns less than {=name_b}. Who earns the least?",
];

const LIGHT: &[&str] = &[
    "feathers",
    "popcorn",
    "cotton wool",
    "paper",
    "balloons",
    "dry leaves",
    "marshmallows",
    "tissues",
    "polystyrene",
    "straw",
];
const HEAVY: &[&str] = &[
    "bricks",
    "iron nails",
    "lead",
    "sand",
    "gold",
    "rocks",
    "wet cement",
    "steel bolts",
    "coins",
    "potatoes",
];

const N_M: &[&str] = &["3", "4", "5", "6", "10"];
const N_MIN: &[&str] = &["3", "5", "6", "10", "12"];
const N_BIG: &[&str] = &["20", "50", "100", "120", "300"];

/// Flawed (and a few sound) arguments, quoted as someone said them.
const FALLACY: &[&str] = &[
    "\"My grandpa smoked every day and lived to {age_n}, so smoking can't be that bad\"",
    "\"Everyone at work is buying this phone, so it must be the best one\"",
    "\"If we let students use calculators, soon nobody will be able to add\"",
    "\"The streets are wet, so it must have rained\"",
    "\"He isn't a doctor, so his point about diet must be wrong\"",
    "\"I wore my lucky socks and we won, so the socks work\"",
    "\"All birds have feathers, penguins are birds, so penguins have feathers\"",
    "\"Either you support the plan or you want the town to fail\"",
    "\"This treatment is natural, so it must be safe\"",
    "\"Crime went up after the new mayor took office, so the mayor caused it\"",
    "\"Nobody has proved ghosts don't exist, so they probably do\"",
    "\"A famous actor recommends this diet, so it works\"",
    "\"We've already spent {money} on this project, so we can't stop now\"",
    "\"Ice-cream sales and drownings rise together, so ice cream causes drowning\"",
    "\"I've flipped heads five times in a row, so tails is due\"",
    "\"If it's on the internet, someone must have checked it\"",
    "\"My neighbour got food poisoning there once, so the whole chain is dirty\"",
    "\"Every swan I've seen is white, so all swans are white\"",
    "\"You can't prove the new policy will work, so it will fail\"",
    "\"All squares are rectangles, so all rectangles are squares\"",
    "\"This diet worked for my cousin, so it will work for everyone\"",
    "\"The older option has been around longer, so it must be better\"",
];

const AGE_N: &[&str] = &["89", "92", "95", "97", "101"];

const DRINK_A: &[&str] = &["tea", "espresso", "lemonade", "hot chocolate"];
const DRINK_B: &[&str] = &["cola", "smoothie", "iced coffee", "orange juice"];
const DRINK_C: &[&str] = &["water", "milkshake", "green tea", "ginger beer"];

/// Consistent with "A is twice as old as B": each has a whole-number answer.
const AGE_CLUE: &[&str] = &[
    "In 5 years, the sum of their ages will be 40.",
    "In 3 years, the sum of their ages will be 33.",
    "In 4 years, the sum of their ages will be 44.",
    "In 2 years, the sum of their ages will be 25.",
    "Ten years ago, the sum of their ages was 40.",
    "Six years ago, the sum of their ages was 24.",
    "In 10 years, the sum of their ages will be 50.",
    "In 7 years, the sum of their ages will be 44.",
];

const SPEED: &[&str] = &["60", "80", "90", "100", "120", "150"];
const DIST: &[&str] = &["240", "300", "420", "450", "600", "720"];

const PET: &[&str] = &["cat", "dog", "parrot", "tortoise"];
const FLOOR: &[&str] = &["1", "2", "3", "4"];
const N_FACTORS: &[&str] = &["four", "five", "six"];

const PREVALENCE: &[&str] = &["1%", "2%", "0.5%", "5%", "1 in 1,000"];
const SENSITIVITY: &[&str] = &["90%", "95%", "99%", "80%"];
const FPR: &[&str] = &["5%", "2%", "10%", "1%", "3%"];

/// Door counts with a consistent number of opened doors.
const DOORS: &[&str] = &[
    "three doors: a car is behind one and goats behind the others. You pick a door, and the host, who knows where the car is, opens one other door to show a goat",
    "four doors: a car is behind one and goats behind the rest. You pick a door, and the host, who knows where the car is, opens two of the other doors, both hiding goats",
    "five doors, one hiding a car. After your pick, the host, who knows where the car is, opens three goat doors and leaves one other door closed",
    "ten doors, one hiding a car. After your pick, the host, who knows where the car is, opens eight goat doors and leaves one other door closed",
];

const SEQ_Q: &[&str] = &[
    "what comes next in the sequence",
    "what's the next term in",
    "what's the pattern in",
    "can you find the rule behind",
];

const FALLACY_WHO: &[&str] = &[
    "someone in my family",
    "my {relative}",
    "a colleague",
    "a guest on a podcast I like",
    "my teacher",
];

const SKEPTIC: &[&str] = &[
    "someone who insists it's 50/50",
    "my {relative}, who refuses to believe it",
    "a sceptical maths teacher",
];

const SIMULATE: &[&str] = &[
    "describe a small simulation that would confirm it",
    "sketch a simulation in pseudocode",
    "suggest a way to check it with playing cards",
];

const KNAVE_CLAIM: &[&str] = &[
    "I am a knight.",
    "At least one of us is a knave.",
    "We are all knaves.",
    "Exactly one of us is a knight.",
];
