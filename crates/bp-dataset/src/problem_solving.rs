//! problem_solving: troubleshoot, fix or decide a concrete problem (devices, home, cooking,
//! garden, work, money). Broken code is code_generation's; here the thing to fix is in the
//! world. Moderate rows say what was already tried; complex ones add constraints and ask
//! for a diagnosis, options and a way to check the fix.

use super::grammar::Family;

pub(super) const FAMILY: Family = Family {
    simple: &[
        "{hi}{issue}. {fix_q}{thx}",
        "{hi}{issue}{since}. {fix_q}{thx}",
        "{hi}{decide_q} {choice}?{choice_tail}{thx}",
        "{hi}{quick_fix_q} {small_fix}{fix_where}?{thx}",
        "{hi}{stop_q} {stop_issue}{stop_tail}?{thx}",
    ],
    moderate: &[
        "{hi}my {age}{device} has been {symptom} since {trigger}. I've already tried {attempt_a} and {attempt_b}. What else could be causing it, and what should I try next?{close}",
        "{hi}{home_issue}. It's a {home_kind} and {home_context}. What's the likely cause, and can I fix it myself or do I need a professional?{close}",
        "{hi}{kitchen_issue}, even though {kitchen_context}. {kitchen_q}{close}",
        "{hi}should I {choice}? {choice_ctx_a}, and {choice_ctx_b}. Give me the main factors to weigh and tell me which way you'd lean.{close}",
        "{hi}{work_issue}. The team is {team_desc}, and {work_ctx}. How can I fix this without making people defensive?{close}",
        "{hi}{repair_issue}, and {issue_detail}. {budget_line} What should I check first, and when is it worth paying someone?{close}",
    ],
    complex: &[
        "{lead}Our {business} has seen {biz_problem} over the last {n_months} months. We have {biz_constraint_a}, {biz_constraint_b}, and no budget for consultants. Diagnose the most likely root causes, propose three options with rough costs and risks, recommend one, and give me a plan to check within {n_weeks} weeks whether it's working. Tell me what data to collect first.{fmt}{close}",
        "{lead}Our office network of about {n_people} devices slows to a crawl every weekday {slow_time}. It started {started}, the provider says the line is fine, and restarting the router helps for about an hour. We have one managed switch, a mesh Wi-Fi system and a storage box running backups. Walk me through a systematic diagnosis, cheapest checks first, explain what each result would tell us, and say when to call a professional.{fmt}{close}",
        "{lead}We have {home_issue_big} in our {home_kind}. {home_detail} We can spend up to {money}, and I'm reasonably handy but not qualified for electrics or gas. List the possible causes from most to least likely, how to test each one safely, which fixes I can do myself, and at what point to stop and call a professional. Also tell me what to ask them so I don't get overcharged.{fmt}{close}",
        "{lead}I have to choose between {job_a} and {job_b} by {weekday}. {job_detail_a} {job_detail_b} I'm {life_stage}. Help me decide: list the criteria that matter, weight them, score both options, point out what I might be underestimating, and suggest one conversation or small experiment that would reduce the uncertainty before I commit.{fmt}{close}",
        "{lead}Our {pet_kind} has started {pet_problem} since {pet_trigger}. The vet found nothing medically wrong. We work long hours, live in a {home_kind}, and have {n_2_3} weeks before {pet_deadline}. Give me a step-by-step plan to fix this, explain the likely causes behind each step, say how to tell whether it's working, and what to do if it gets worse.{fmt}{close}",
    ],
    slots: &[
        ("decide_q", DECIDE_Q),
        ("quick_fix_q", QUICK_FIX_Q),
        ("stop_q", STOP_Q),
        ("issue", ISSUE),
        ("age", AGE),
        ("fix_q", FIX_Q),
        ("since", SINCE),
        ("choice", CHOICE),
        ("choice_tail", CHOICE_TAIL),
        ("small_fix", SMALL_FIX),
        ("stop_issue", STOP_ISSUE),
        ("device", DEVICE),
        ("symptom", SYMPTOM),
        ("trigger", TRIGGER),
        ("attempt_a", ATTEMPT_A),
        ("attempt_b", ATTEMPT_B),
        ("home_issue", HOME_ISSUE),
        ("home_kind", HOME_KIND),
        ("home_context", HOME_CONTEXT),
        ("kitchen_issue", KITCHEN_ISSUE),
        ("kitchen_context", KITCHEN_CONTEXT),
        ("choice_ctx_a", CHOICE_CTX_A),
        ("choice_ctx_b", CHOICE_CTX_B),
        ("work_issue", WORK_ISSUE),
        ("team_desc", TEAM_DESC),
        ("work_ctx", WORK_CTX),
        ("issue_detail", ISSUE_DETAIL),
        ("repair_issue", REPAIR_ISSUE),
        ("biz_problem", BIZ_PROBLEM),
        ("biz_constraint_a", BIZ_CONSTRAINT_A),
        ("biz_constraint_b", BIZ_CONSTRAINT_B),
        ("slow_time", SLOW_TIME),
        ("started", STARTED),
        ("home_issue_big", HOME_ISSUE_BIG),
        ("home_detail", HOME_DETAIL),
        ("job_a", JOB_A),
        ("job_b", JOB_B),
        ("job_detail_a", JOB_DETAIL_A),
        ("job_detail_b", JOB_DETAIL_B),
        ("life_stage", LIFE_STAGE),
        ("pet_kind", PET_KIND),
        ("pet_problem", PET_PROBLEM),
        ("pet_trigger", PET_TRIGGER),
        ("pet_deadline", PET_DEADLINE),
        ("n_years", N_YEARS),
        ("fix_where", FIX_WHERE),
        ("stop_tail", STOP_TAIL),
        ("kitchen_q", KITCHEN_Q),
        ("budget_line", BUDGET_LINE),
    ],
};

/// Problems that keep happening, so "since …" and "what should I do?" both fit.
const ISSUE: &[&str] = &[
    "my {age}router keeps restarting itself",
    "my {age}oven doesn't heat evenly",
    "my {age}vacuum cleaner has lost its suction",
    "my bathroom extractor fan rattles",
    "my {age}phone won't charge unless I hold the cable",
    "my sourdough starter smells like nail polish",
    "my orchid won't flower any more",
    "my succulents keep rotting",
    "my gutters overflow when it rains",
    "my {age}bike's gears keep skipping",
    "my video calls keep freezing",
    "my laptop won't connect to the office printer",
    "my car's check-engine light keeps coming on",
    "my toilet keeps running after I flush",
    "my freezer is covered in ice",
    "my cat keeps scratching the sofa",
    "my dog barks every time the doorbell rings",
    "my neighbours' music keeps me up at night",
    "my {age}headphones keep disconnecting",
    "my kitchen smells of damp",
    "my wooden table has white water rings",
    "my hands get chapped every winter",
    "my hallway light bulb keeps blowing",
    "my {age}TV keeps turning itself off",
    "my budget never lasts to the end of the month",
    "my bread goes mouldy within two days",
    "I can never find anything in my cupboards",
    "my houseplants keep dropping their leaves",
    "my white shirts are turning grey",
    "my {age}dryer takes two cycles to dry anything",
    "my {age}laptop keeps overheating",
    "my {age}phone battery is dead by lunchtime",
    "my Wi-Fi drops every evening",
    "my printer keeps saying it's offline",
    "my sourdough keeps coming out dense",
    "my basil keeps wilting",
    "my {age}dishwasher leaves white spots on the glasses",
    "my {age}car squeaks when I brake",
    "there's mould growing on my bedroom wall",
    "my cat has stopped using the litter box",
    "my toddler keeps waking up at 4 am",
    "my bike chain keeps slipping",
    "my kitchen sink drains really slowly",
    "my {age}fridge is making a buzzing noise",
    "my emails keep landing in people's spam folders",
    "my tomato leaves are turning yellow",
    "my rice always turns out mushy",
    "my houseplants are full of tiny flies",
    "my headphones only play on one side",
    "my Bluetooth speaker won't pair any more",
    "my smoke alarm chirps every few minutes",
    "my front door sticks when it rains",
    "my cakes sink in the middle",
    "my {age}laptop fan is really loud",
    "my shower pressure is weak",
    "my radiator is cold at the top",
    "my windows are covered in condensation every morning",
    "my inbox is out of control",
    "my {age}car won't start on cold mornings",
    "my TV has sound but no picture",
    "my phone storage is always full",
    "my {age}washing machine smells musty",
    "my boiler keeps losing pressure",
    "my lawn has brown patches",
    "my dog pulls on the lead",
    "my kettle is full of limescale",
    "my garage door won't close all the way",
    "my {age}tablet keeps freezing",
    "my neighbour's tree drops leaves into my gutter",
    "I keep oversleeping my alarm",
    "my credit card bill keeps creeping up",
];

/// Device age, with its trailing space; mostly empty.
const AGE: &[&str] = &[
    "",
    "",
    "",
    "new ",
    "old ",
    "two-year-old ",
    "five-year-old ",
    "second-hand ",
    "brand-new ",
];

const FIX_Q: &[&str] = &[
    "What should I do?",
    "How do I fix it?",
    "Any ideas?",
    "What could be causing it?",
    "Where do I start?",
    "Is it worth fixing?",
    "Help!",
    "How can I sort this out?",
    "What's the fix?",
    "Can I fix it myself?",
    "What would you check first?",
    "Is this a quick fix?",
    "How do I stop this?",
    "What's going on?",
];

const SINCE: &[&str] = &[
    " since last week",
    " lately",
    " again",
    " for a few days now",
    " ever since we moved",
    " this month",
    " since the weekend",
    " all of a sudden",
    " for ages",
];

/// Concrete decisions between two options.
const CHOICE: &[&str] = &[
    "replace my {age}fridge or repair it",
    "switch energy supplier now or wait",
    "buy a used car or keep taking the bus",
    "take the cheaper flight with a long layover",
    "hire a cleaner or split chores with my flatmates",
    "fix the leaky roof myself",
    "repair my old laptop or buy a new one",
    "rent or buy a flat in {city}",
    "take the job with the higher salary or the shorter commute",
    "fix my car or sell it",
    "pay off my credit card or build savings first",
    "lease or buy an electric car",
    "repaint the kitchen myself or hire someone",
    "switch to a cheaper phone plan or keep mine",
    "replace the boiler now or wait until winter",
    "move my savings to a fixed-rate account",
    "get a second cat or a dog",
    "refinance my mortgage now or in {month}",
    "replace my phone's battery or the whole phone",
    "sell my bike or get it serviced",
    "keep my old car for another year or sell it now",
    "fix the cracked tiles or retile the bathroom",
    "cancel my gym membership or give it one more month",
    "buy a dishwasher or keep washing by hand",
    "change banks for a better interest rate",
    "move closer to work or keep the long commute",
    "upgrade my laptop's memory or replace it",
    "hire a tutor or try an online course",
];

const CHOICE_TAIL: &[&str] = &[
    "",
    "",
    " I can't decide.",
    " What would you do?",
    " Which makes more sense?",
    " I keep going back and forth.",
    " Quick gut feeling?",
    " I need to decide this week.",
];

const DECIDE_Q: &[&str] = &[
    "should I",
    "do you think I should",
    "would you",
    "is it smarter to",
];

const QUICK_FIX_Q: &[&str] = &[
    "what's the quickest fix for",
    "how do I deal with",
    "any tips for fixing",
    "what's the easiest way to fix",
    "how do I fix",
];

const STOP_Q: &[&str] = &[
    "how do I stop",
    "what's the best way to stop",
    "any tips to stop",
    "how can I prevent",
];

const SMALL_FIX: &[&str] = &[
    "a squeaky door",
    "a running toilet",
    "a stripped screw",
    "a slow laptop",
    "a stuck jar lid",
    "a dripping tap",
    "a wobbly table",
    "foggy headlights",
    "a stuck zip",
    "a blocked shower drain",
    "a flat bike tyre",
    "a scratched wooden floor",
    "a tripped fuse",
    "a sticking drawer",
    "a cracked phone screen protector",
    "a draughty window",
    "a loose door handle",
    "a smelly fridge",
    "a frozen car lock",
    "a jammed printer",
    "a creaky stair",
    "a stiff padlock",
    "a slow-draining bath",
    "a loose toilet seat",
    "a sagging shelf",
    "a dead car battery",
    "a stuck window",
    "a noisy radiator",
    "a burnt pan",
    "a leaking hose",
    "a peeling sticker on glass",
];

const FIX_WHERE: &[&str] = &[
    "",
    "",
    "",
    " in a rented flat",
    " without special tools",
    " on a budget",
    " before guests arrive",
    " at 11 pm on a {weekday}",
    " with only a screwdriver",
    " without calling anyone out",
    " in an old house",
];

const STOP_TAIL: &[&str] = &[
    "",
    "",
    "",
    " for good",
    " without chemicals",
    " cheaply",
    " once and for all",
    " in a small flat",
    " without spending much",
    " this winter",
];

const KITCHEN_Q: &[&str] = &[
    "What am I doing wrong, and what should I change next time?",
    "What's going wrong, and how do I fix it?",
    "Is it my technique, my ingredients or my equipment?",
];

const BUDGET_LINE: &[&str] = &[
    "I'm on a tight budget.",
    "Money is tight this month.",
    "I'd rather not spend much.",
    "I can spend maybe {money}.",
];

const STOP_ISSUE: &[&str] = &[
    "my dog jumping on guests",
    "fruit flies in the kitchen",
    "my laptop battery draining overnight",
    "my houseplants dropping leaves",
    "slugs eating my lettuce",
    "the bathroom mirror steaming up",
    "my phone buzzing with useless notifications",
    "the cat waking me at 5 am",
    "my car windscreen misting up",
    "pigeons nesting on my balcony",
    "my puppy chewing the furniture",
    "my kids arguing over the tablet",
    "mould growing in the shower",
    "my cheese drying out in the fridge",
    "my basil plants bolting",
    "my bike chain rusting",
    "junk mail piling up",
    "my headphones tangling",
    "the smoke alarm going off when I cook",
    "my glasses fogging up",
    "my cat scratching the sofa",
    "ants getting into the kitchen",
    "my phone overheating in the car",
    "my bread going mouldy so fast",
    "weeds coming through the patio",
    "my shoes from squeaking",
    "condensation on my windows",
    "my dog barking at the postman",
    "my laptop from waking up in my bag",
];

const DEVICE: &[&str] = &[
    "laptop",
    "phone",
    "tablet",
    "desktop PC",
    "router",
    "smart TV",
    "games console",
];

const SYMPTOM: &[&str] = &[
    "shutting down randomly",
    "running really slowly",
    "losing its Wi-Fi connection",
    "freezing for a few seconds at a time",
    "draining its battery overnight",
    "getting hot even when idle",
    "refusing to charge",
];

const TRIGGER: &[&str] = &[
    "the last software update",
    "I dropped it",
    "we moved house",
    "I installed a new app",
    "a power cut last week",
    "the weather got warmer",
];

const ATTEMPT_A: &[&str] = &[
    "restarting it",
    "updating everything",
    "a factory reset",
    "a different power socket",
];
const ATTEMPT_B: &[&str] = &[
    "checking for malware",
    "clearing some storage",
    "unplugging everything for a minute",
    "swapping the charger",
    "turning off background apps",
];

const HOME_ISSUE: &[&str] = &[
    "the kitchen tap spits and sputters",
    "the bathroom sink gurgles when the shower drains",
    "one socket in the living room has stopped working",
    "the bedroom is always much colder than the rest",
    "the bedroom door no longer closes properly",
    "our bathroom grout keeps going black",
    "the loft hatch lets in a cold draught",
    "there's a damp patch spreading on my ceiling",
    "my kitchen sink smells even after cleaning",
    "the bathroom fan barely pulls any air",
    "one radiator stays cold while the others are hot",
    "the hallway light flickers when the washing machine runs",
    "small black spots of mould keep appearing around the windows",
    "the floorboards in the hallway have started creaking loudly",
];

const HOME_KIND: &[&str] = &[
    "rented flat",
    "1930s terraced house",
    "new-build apartment",
    "draughty farmhouse",
    "top-floor flat",
    "basement flat",
];

const HOME_CONTEXT: &[&str] = &[
    "the landlord is slow to respond",
    "it's getting worse every week",
    "money is tight",
    "it started after heavy rain",
    "we have a baby at home",
    "we're selling it next year",
    "the previous owner did a lot of DIY",
];

const KITCHEN_ISSUE: &[&str] = &[
    "my omelettes always stick",
    "my jam never sets",
    "my courgettes rot on the plant",
    "my yoghurt comes out runny",
    "my steak is always grey instead of browned",
    "my strawberries are small and sour",
    "my macarons come out hollow",
    "my lettuce bolts within weeks",
    "my pizza base is soggy",
    "my rice sticks to the pan",
    "my homemade bread is dense and barely rises",
    "my cookies spread into thin puddles",
    "my tomato plants have yellow leaves with brown spots",
    "my risotto turns out gluey",
    "my cheesecake cracks every time",
    "my chilli seedlings are tall and floppy",
    "my pancakes are rubbery",
    "my roast potatoes never get crispy",
];

const KITCHEN_CONTEXT: &[&str] = &[
    "I use good ingredients",
    "I've followed three different guides",
    "my grandmother's version always worked",
    "I weigh everything carefully",
    "I've watched a dozen videos",
    "I follow the instructions exactly",
    "I've tried three times now",
    "I bought all new ingredients",
    "my kitchen is quite cold",
    "I'm using an old oven",
    "a friend does the same thing and it works for her",
];

const CHOICE_CTX_A: &[&str] = &[
    "I have about {money} saved",
    "the current one is {n_years} years old",
    "I plan to stay here at least {n_years} years",
    "money is tight this year",
];

const CHOICE_CTX_B: &[&str] = &[
    "I hate dealing with paperwork",
    "I value reliability over price",
    "I'm not very handy",
    "my partner disagrees with me",
    "I need a decision this month",
];

const WORK_ISSUE: &[&str] = &[
    "our on-call rota keeps leaving weekends uncovered",
    "nobody reads the weekly status email",
    "our shared drive is a mess and people can't find anything",
    "our handovers between shifts keep dropping tasks",
    "people keep working late and burning out",
    "decisions get reopened in every meeting",
    "our sales and support teams blame each other",
    "my team keeps missing deadlines",
    "our weekly meeting always runs an hour over",
    "two colleagues keep clashing in reviews",
    "nobody updates our shared task board",
    "new hires take months to get up to speed",
    "our customer complaints go unanswered for days",
];

const TEAM_DESC: &[&str] = &[
    "eleven people in two offices",
    "mostly part-timers",
    "five people, fully remote",
    "eight people across three time zones",
    "small and overworked",
    "a mix of juniors and very senior people",
];

const WORK_CTX: &[&str] = &[
    "we just lost our most experienced person",
    "a big launch is coming up",
    "I'm new as their manager",
    "morale is already low",
    "the client is getting impatient",
    "we can't hire anyone this year",
];

/// Problems a paid professional could fix.
const REPAIR_ISSUE: &[&str] = &[
    "my {age}laptop keeps overheating",
    "my {age}dishwasher leaves white spots on the glasses",
    "my {age}car squeaks when I brake",
    "there's mould growing on my bedroom wall",
    "my kitchen sink drains really slowly",
    "my {age}fridge is making a buzzing noise",
    "my front door sticks when it rains",
    "my shower pressure is weak",
    "my boiler keeps losing pressure",
    "my garage door won't close all the way",
    "my {age}washing machine smells musty",
    "my {age}car won't start on cold mornings",
];

const ISSUE_DETAIL: &[&str] = &[
    "it's worse in cold weather",
    "the manual wasn't any help",
    "a friend had the same thing last year",
    "it's been getting worse for a month",
    "it happens mostly in the evening",
    "nobody else in the house seems bothered",
    "I've had it looked at once before",
];

const BIZ_PROBLEM: &[&str] = &[
    "a {pct}% drop in repeat customers",
    "rising complaints about late deliveries",
    "staff turnover of nearly half",
    "a sharp rise in refund requests",
    "costs growing faster than revenue",
    "online reviews falling from 4.6 to 3.9 stars",
];

const BIZ_CONSTRAINT_A: &[&str] = &[
    "a team of six",
    "a lease that runs for two more years",
    "one supplier for most of our stock",
    "an old booking system we can't replace this year",
];

const BIZ_CONSTRAINT_B: &[&str] = &[
    "a busy season starting in {month}",
    "an owner who is sceptical of change",
    "very little data beyond the till reports",
    "two key staff on leave next month",
];

const SLOW_TIME: &[&str] = &[
    "around mid-morning",
    "at lunchtime",
    "from about three in the afternoon",
    "first thing in the morning",
];

const STARTED: &[&str] = &[
    "about {n_weeks} weeks ago",
    "after we added a second floor of desks",
    "right after a firmware update",
    "when two new colleagues joined",
];

const HOME_ISSUE_BIG: &[&str] = &[
    "a recurring damp problem",
    "a heating system that can't keep the house warm",
    "tripping electrics",
    "a persistent smell of drains",
    "cracks appearing in an inside wall",
];

const HOME_DETAIL: &[&str] = &[
    "It's worst after heavy rain and on the north side.",
    "It started after the neighbours renovated.",
    "It comes and goes, and we can't see a pattern.",
    "A previous owner seems to have patched it badly.",
];

const JOB_A: &[&str] = &[
    "a stable job at a large bank",
    "staying in my current role",
    "a public-sector job",
    "a promotion that means managing my friends",
];

const JOB_B: &[&str] = &[
    "a role at an early-stage startup",
    "going freelance",
    "a job abroad in {city}",
    "a pay cut to work at a charity I care about",
];

const JOB_DETAIL_A: &[&str] = &[
    "The first pays {pct}% more, but the commute is over an hour each way.",
    "The first is secure but I've stopped learning there.",
    "The first has a great team but a difficult boss.",
];

const JOB_DETAIL_B: &[&str] = &[
    "The second offers equity and remote work, but the company has about a year of runway.",
    "The second is exciting but means moving away from my family.",
    "The second pays less but has a four-day week.",
];

const LIFE_STAGE: &[&str] = &[
    "in my early thirties with a mortgage",
    "single and renting",
    "supporting a parent financially",
    "expecting our first child",
    "ten years from retirement",
];

const PET_KIND: &[&str] = &["dog", "cat", "rescue dog", "puppy", "older cat"];

const PET_PROBLEM: &[&str] = &[
    "scratching the door whenever we leave",
    "barking at night",
    "going to the toilet indoors",
    "refusing to eat in the mornings",
    "chewing furniture",
];

const PET_TRIGGER: &[&str] = &[
    "we moved house",
    "the baby was born",
    "we went back to the office",
    "our other pet died",
    "we adopted it",
];

const PET_DEADLINE: &[&str] = &[
    "the neighbours complain to the landlord",
    "we go on holiday",
    "my parents come to stay",
    "our lease renewal inspection",
];

const N_YEARS: &[&str] = &["two", "three", "five", "eight", "ten"];
