//! task_planning: plans, schedules, roadmaps, itineraries. Simple rows ask for one plan;
//! moderate ones give a budget, time or preference to fit; complex ones add team, deadline,
//! dependencies, risks and a required shape for the answer.

use super::grammar::Family;

pub(super) const FAMILY: Family = Family {
    simple: &[
        "{hi}plan a {n_days}-day itinerary for {any_city}{plan_tail}.{thx}",
        "{hi}{pls}{plan_verb} a study schedule for {exam}{plan_tail}.{thx}",
        "{hi}give me a {n_weeks}-week plan to learn {skill}{plan_tail}.{thx}",
        "{hi}{party_verb} {party} for {n_guests} people{plan_tail}.{thx}",
        "{hi}{pls}{plan_verb} a {meal_span} meal plan for {diet_who}{plan_tail}.{thx}",
        "{hi}{pls}{plan_verb} a packing list for {trip}{plan_tail}.{thx}",
        "{hi}{pls}{plan_verb} a daily routine for {routine_who}{plan_tail}.{thx}",
        "{hi}{plan_my} {day_part} so I get {chores} done?{thx}",
    ],
    moderate: &[
        "{hi}plan a {n_days}-day trip to {city} for {travellers} on a budget of {money}. We love {interest_a} and {interest_b}, but we'd rather avoid {avoid}.{close}",
        "{hi}make a {n_weeks}-week study plan for {exam}. I can study {n_hours} hours on weekdays and more at weekends, and my weakest area is {weak_area}.{close}",
        "{hi}help me organise {party} for {n_guests} people on {weekday}. The budget is {money}, {party_constraint}, and I need a rough timeline for the day.{close}",
        "{hi}create a roadmap for learning {skill} in {n_months} months {alongside}. Split it into monthly goals and suggest one small project for each month.{close}",
        "{hi}I want to {life_goal} by {month}. Break it into weekly steps I can actually follow, keeping in mind that I {life_constraint}.{close}",
        "{hi}{pls}put together a {n_weeks}-week content calendar for {business}'s social media: {n_posts} posts a week, a mix of {content_a} and {content_b}, with a theme for each week.{close}",
    ],
    complex: &[
        "{lead}Create a {n_weeks}-week roadmap for launching {launch} at {business}. We have {team}, a budget of {money_big}, and a hard deadline at the end of {month}. Break it into phases with milestones, assign owners by role, show dependencies and the critical path, include a buffer for {risk}, and list what we would cut first if we slip. Present it as a table followed by the {n_small} biggest risks.{fmt}{close}",
        "{lead}Plan a {n_days}-day trip through {region} for {travellers} in {month}. Our budget is {money_big} including flights, one of us {mobility}, we want at least {n_2_3} slow mornings, and we'd like a mix of {interest_a} and {interest_b}. Give a day-by-day itinerary with travel times, where to stay each night, rough daily costs, and a rainy-day alternative for every outdoor activity.{fmt}{close}",
        "{lead}I'm moving from {city} to {city2} in {n_weeks} weeks with {household}. Build me a moving plan covering the lease, utilities, {admin_task}, shipping versus selling furniture, and registering with a new doctor. Order the tasks by deadline, mark which ones block others, estimate the hours each takes, and flag anything I must book at least a month ahead.{fmt}{close}",
        "{lead}Design a {n_weeks}-week training plan to take me from {fitness_start} to {fitness_goal}. I can train {n_train} days a week, I have {injury}, and I travel for work every other week without gym access. Include rest days, a rule for when to progress, a hotel-room alternative for each session, and what to do if I miss a whole week.{fmt}{close}",
        "{lead}Organise a {n_days_event}-day conference for {n_attendees} people in {city} next {season}. Plan the venue search, speakers, catering for {diet_need}, registration, volunteers and a post-event survey. Give a timeline working back from the event date, a budget split across categories for a total of {money_big}, an owner for each workstream, and the decisions we must make this month.{fmt}{close}",
    ],
    slots: &[
        ("plan_my", PLAN_MY),
        ("day_part", DAY_PART),
        ("plan_verb", PLAN_VERB),
        ("party_verb", PARTY_VERB),
        ("meal_span", MEAL_SPAN),
        ("exam", EXAM),
        ("skill", SKILL),
        ("party", PARTY),
        ("diet_who", DIET_WHO),
        ("trip", TRIP),
        ("routine_who", ROUTINE_WHO),
        ("chores", CHORES),
        ("travellers", TRAVELLERS),
        ("interest_a", INTEREST_A),
        ("interest_b", INTEREST_B),
        ("avoid", AVOID),
        ("n_hours", N_HOURS),
        ("weak_area", WEAK_AREA),
        ("party_constraint", PARTY_CONSTRAINT),
        ("life_goal", LIFE_GOAL),
        ("life_constraint", LIFE_CONSTRAINT),
        ("n_posts", N_POSTS),
        ("content_a", CONTENT_A),
        ("content_b", CONTENT_B),
        ("launch", LAUNCH),
        ("team", TEAM),
        ("risk", RISK),
        ("region", REGION),
        ("mobility", MOBILITY),
        ("household", HOUSEHOLD),
        ("admin_task", ADMIN_TASK),
        ("fitness_start", FITNESS_START),
        ("fitness_goal", FITNESS_GOAL),
        ("n_train", N_TRAIN),
        ("injury", INJURY),
        ("n_days_event", N_DAYS_EVENT),
        ("n_attendees", N_ATTENDEES),
        ("season", SEASON),
        ("diet_need", DIET_NEED),
        ("plan_tail", PLAN_TAIL),
        ("any_city", ANY_CITY),
        ("n_guests", N_GUESTS),
        ("alongside", ALONGSIDE),
    ],
};

const PLAN_TAIL: &[&str] = &[
    "",
    "",
    "",
    "",
    ", please",
    ", nothing fancy",
    ", keep it simple",
    " that's realistic",
    " I can stick to",
    " that isn't too packed",
    ", starting {weekday}",
];

const ANY_CITY: &[&str] = &["{city}", "{city2}"];
const N_GUESTS: &[&str] = &["6", "10", "12", "15", "20", "25", "30", "40"];

const ALONGSIDE: &[&str] = &[
    "while working full-time",
    "around a busy family life",
    "as a complete beginner",
    "studying only at weekends",
];

const EXAM: &[&str] = &[
    "my biology final",
    "the driving theory test",
    "the GRE",
    "my grade 5 piano exam",
    "a Spanish B1 exam",
    "the bar exam",
    "my statistics midterm",
    "a cloud certification",
    "my history A-level",
    "the IELTS",
    "my accounting exams",
    "a first-aid course test",
    "my chemistry finals",
    "the citizenship test",
    "my French oral exam",
    "a project management exam",
    "my maths retake",
    "the SAT",
    "my nursing exams",
    "a sommelier exam",
];

const SKILL: &[&str] = &[
    "basic Spanish",
    "SQL",
    "to swim",
    "touch typing",
    "the guitar",
    "watercolour painting",
    "public speaking",
    "spreadsheets",
    "to run 5K",
    "Rust",
    "photography",
    "to cook simple dinners",
    "data visualisation",
    "chess",
    "sign language basics",
    "woodworking",
    "Japanese",
    "to bake bread",
    "the piano",
    "yoga at home",
    "video editing",
    "to draw portraits",
    "basic car maintenance",
    "Excel formulas",
    "to knit",
    "salsa dancing",
    "machine learning basics",
    "to sew",
    "web design",
];

const PARTY: &[&str] = &[
    "a birthday party",
    "a team offsite",
    "a picnic",
    "a baby shower",
    "a game night",
    "a reunion dinner",
    "a charity bake sale",
    "a kids' sleepover",
    "a housewarming",
    "a surprise retirement party",
    "a neighbourhood clean-up day",
    "a wine-tasting evening",
    "a garden barbecue",
    "a book launch",
    "a quiz night",
    "a christening lunch",
    "an office Christmas party",
];

const DIET_WHO: &[&str] = &[
    "a family of four",
    "a vegetarian student",
    "someone training for a marathon",
    "two busy parents",
    "someone on a tight budget",
    "a person cutting down on sugar",
    "a household with one vegan",
    "a pregnant friend",
    "a teenager who hates vegetables",
    "a couple who only cook at weekends",
    "someone with a nut allergy",
    "a shift worker",
    "my elderly dad",
    "a student with a tiny kitchen",
];

const TRIP: &[&str] = &[
    "a week of camping",
    "a ski trip",
    "a business trip to {city}",
    "a beach holiday",
    "a weekend in {city}",
    "a hiking trip in the mountains",
    "a long-haul flight with a toddler",
    "a music festival",
    "a week of sailing",
    "a wedding abroad",
    "a winter trip to {city2}",
    "a month of backpacking",
    "a cycling tour",
    "a hospital stay",
];

const ROUTINE_WHO: &[&str] = &[
    "a student with early lectures",
    "someone working night shifts",
    "a freelancer at home",
    "a new parent",
    "me, since I keep wasting mornings",
    "a retiree who wants more structure",
    "a teenager during exam season",
    "a remote worker who never leaves the house",
    "someone recovering from burnout",
    "a writer with a day job",
    "a dog owner who works shifts",
    "someone training for a triathlon",
];

const CHORES: &[&str] = &[
    "my errands and some exercise",
    "laundry, shopping and two work calls",
    "the garden and my tax return",
    "cleaning and meal prep",
    "three assignments and a run",
    "the school run, a dentist visit and some work",
    "all my admin",
    "packing for my trip",
    "two deadlines and a birthday present",
    "the big shop and a deep clean",
    "my CV and three job applications",
    "revision for two subjects",
    "the garden and a bike repair",
    "my expenses and a long-overdue call",
    "batch cooking and ironing",
    "a run, a nap and my emails",
];

const PLAN_MY: &[&str] = &[
    "can you plan my",
    "could you organise my",
    "will you help me plan my",
];

const DAY_PART: &[&str] = &[
    "{weekday}",
    "{weekday}",
    "day",
    "morning",
    "weekend",
    "afternoon",
    "evening",
];

/// Verbs for asking for a plan; each reads well after "please " and before "a …".
const PLAN_VERB: &[&str] = &[
    "make me",
    "draft",
    "create",
    "put together",
    "suggest",
    "sketch out",
    "write me",
];

const PARTY_VERB: &[&str] = &[
    "help me plan",
    "help me organise",
    "plan",
    "I need a plan for",
];

const MEAL_SPAN: &[&str] = &[
    "weekly",
    "5-day",
    "two-week",
    "cheap weekly",
    "weekday",
    "7-day",
];

const TRAVELLERS: &[&str] = &[
    "two adults",
    "a family with two kids",
    "three friends",
    "my parents in their seventies",
    "a couple on their honeymoon",
    "a solo traveller",
];

const INTEREST_A: &[&str] = &[
    "food markets",
    "museums",
    "hiking",
    "street art",
    "live music",
    "architecture",
];
const INTEREST_B: &[&str] = &[
    "beaches",
    "history",
    "local wine",
    "cycling",
    "bookshops",
    "photography spots",
];

const AVOID: &[&str] = &[
    "long bus rides",
    "crowded tourist traps",
    "very early starts",
    "nightclubs",
    "expensive restaurants",
];

const N_HOURS: &[&str] = &["one", "two", "three"];

const WEAK_AREA: &[&str] = &[
    "the maths section",
    "essay writing",
    "memorising vocabulary",
    "past papers under time pressure",
    "listening comprehension",
];

const PARTY_CONSTRAINT: &[&str] = &[
    "two guests are vegan",
    "it has to be indoors",
    "half the guests are kids",
    "we can't start before noon",
    "the venue has no kitchen",
];

const LIFE_GOAL: &[&str] = &[
    "declutter my whole flat",
    "save for a holiday",
    "run a half marathon",
    "finish the first draft of my novel",
    "switch careers into UX design",
    "get my finances in order",
    "learn enough Italian to order in restaurants",
];

const LIFE_CONSTRAINT: &[&str] = &[
    "work night shifts",
    "have two small kids",
    "travel for work every other week",
    "only have about an hour a day",
    "tend to give up after the first week",
];

const N_POSTS: &[&str] = &["three", "four", "five"];
const CONTENT_A: &[&str] = &[
    "behind-the-scenes photos",
    "customer stories",
    "short how-to videos",
];
const CONTENT_B: &[&str] = &[
    "special offers",
    "team introductions",
    "polls and questions",
];

const LAUNCH: &[&str] = &[
    "a mobile app",
    "an online shop",
    "a subscription box",
    "a loyalty programme",
    "a second location",
    "a new product line",
    "a paid newsletter",
];

const TEAM: &[&str] = &[
    "two developers and a designer",
    "a team of five",
    "one full-time marketer and some freelancers",
    "three part-time staff",
    "a team of twelve across two time zones",
];

const RISK: &[&str] = &[
    "app store review delays",
    "supplier delays",
    "a key person falling ill",
    "legal review taking longer than planned",
    "bad weather",
];

const REGION: &[&str] = &[
    "northern Portugal",
    "the Scottish Highlands",
    "Japan's Kansai region",
    "Andalusia",
    "the Canadian Rockies",
    "Vietnam from north to south",
    "Sicily",
    "New Zealand's South Island",
];

const MOBILITY: &[&str] = &[
    "uses a wheelchair",
    "can't walk more than a few kilometres a day",
    "gets carsick easily",
    "is vegetarian and gluten-free",
    "is afraid of flying",
];

const HOUSEHOLD: &[&str] = &[
    "two kids and a dog",
    "my partner and a cat",
    "just me and a lot of books",
    "a newborn",
    "my elderly mother",
];

const ADMIN_TASK: &[&str] = &[
    "schools or childcare",
    "changing my address everywhere",
    "a parking permit",
    "the pet's travel papers",
];

const FITNESS_START: &[&str] = &[
    "barely running at all",
    "walking 30 minutes a day",
    "a 10K in 70 minutes",
    "doing no strength training",
];

const FITNESS_GOAL: &[&str] = &[
    "a comfortable 10K",
    "a half marathon",
    "five pull-ups",
    "a 5K in under 25 minutes",
    "a week-long hiking trip",
];

const N_TRAIN: &[&str] = &["three", "four", "five"];

const INJURY: &[&str] = &[
    "a dodgy left knee",
    "lower back trouble",
    "no injuries",
    "a recovering ankle sprain",
    "tight shoulders from desk work",
];

const N_DAYS_EVENT: &[&str] = &["one", "two", "three"];
const N_ATTENDEES: &[&str] = &["80", "150", "300", "500", "1,200"];
const SEASON: &[&str] = &["spring", "summer", "autumn", "winter"];

const DIET_NEED: &[&str] = &[
    "vegan and halal guests",
    "several allergies",
    "a mostly vegetarian crowd",
    "gluten-free and kosher needs",
];
