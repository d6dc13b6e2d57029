//! summarization: condensing a given text. Simple rows summarise a well-known work or a
//! one-line message; moderate and complex rows paste the text to condense (meeting notes,
//! news, reviews, emails, studies), written here as templates so that names, places and
//! figures vary while each passage stays coherent.

use super::grammar::Family;

pub(super) const FAMILY: Family = Family {
    simple: &[
        "{hi}{sum_verb} the plot of {work} in {n_sent}.{thx}",
        "{hi}{tldr_ask} {work}{sum_tail}.{thx}",
        "{hi}{one_line_ask} {tiny}{thx}",
        "{hi}{pls}{keypoints_ask} {doc_known}{doc_tail}.{thx}",
        "{hi}{pls}summarize {work} for {audience}.{thx}",
        "{hi}TL;DR please: {tiny}{thx}",
    ],
    moderate: &[
        "{hi}{pls}summarize these meeting notes in {n_small} bullet points for {audience}:\n\n{notes}",
        "{hi}here's a customer review. Summarize it in {n_sent_short}, {review_focus}:\n\n\"{any_review}\"",
        "{hi}condense this email into a three-line update my manager can read on a phone:\n\n{email}",
        "{hi}summarize {work} in about {n_words} words for {audience}, without spoiling the ending. Focus on the main characters and what they want.{close}",
        "{hi}{pls}summarize this news story in {n_2_3} sentences for {audience}, keeping the key numbers:\n\n{article}",
    ],
    complex: &[
        "{lead}Below are notes from a {n_minutes}-minute planning meeting. Write a summary for {audience} in at most {n_words} words, then list separately the decisions made, the open questions and the action items with owners. Keep every figure exactly as written, flag anything that contradicts itself, and don't add anything that isn't in the notes.{fmt}\n\n{notes}\n{notes_more}",
        "{lead}Summarize the article below in three layers: a one-sentence headline, a {n_2_3}-sentence summary for {audience}, and a bullet list of the key facts with their numbers. Keep a neutral tone, quote at most one short phrase directly, and end with one question the article leaves unanswered.{fmt}\n\n{article}",
        "{lead}I have a few hundred customer reviews like the two below. Summarize the common themes, separate product problems from delivery or service problems, guess how often each theme appears, pick one representative quote per theme, and finish with the three changes that would most improve ratings.{fmt}\n\n\"{review}\"\n\n\"{review_b}\"",
        "{lead}Summarize the email and the reply below for a colleague who was away. Give a two-sentence overview, then a checklist of what they personally need to do and by when, note where the reply changes the original plan, keep the dates exactly as written, and leave out the pleasantries.{fmt}\n\n{email}\n\nReply from {=name_b}: {email_reply}",
        "{lead}Summarize the study below for {audience}. Explain in plain language what was done, what was found and how strong the evidence is, keep the numbers, point out at least two limitations, avoid hype words like 'breakthrough', and stay under {n_words} words.{fmt}\n\n{study}",
    ],
    slots: &[
        ("sum_verb", SUM_VERB),
        ("tldr_ask", TLDR_ASK),
        ("one_line_ask", ONE_LINE_ASK),
        ("keypoints_ask", KEYPOINTS_ASK),
        ("work", WORK),
        ("n_sent", N_SENT),
        ("sum_tail", SUM_TAIL),
        ("tiny", TINY),
        ("doc_known", DOC_KNOWN),
        ("notes", NOTES),
        ("notes_more", NOTES_MORE),
        ("review", REVIEW),
        ("review_b", REVIEW_B),
        ("any_review", ANY_REVIEW),
        ("doc_tail", DOC_TAIL),
        ("n_sent_short", N_SENT_SHORT),
        ("review_focus", REVIEW_FOCUS),
        ("product", PRODUCT),
        ("email", EMAIL),
        ("email_reply", EMAIL_REPLY),
        ("article", ARTICLE),
        ("study", STUDY),
        ("month_early", MONTH_EARLY),
        ("n_minutes", N_MINUTES),
        ("n_hours", N_HOURS),
        ("n_bugs", N_BUGS),
        ("time", TIME),
        ("money_trip", MONEY_TRIP),
    ],
};

const WORK: &[&str] = &[
    "Hamlet",
    "Pride and Prejudice",
    "The Great Gatsby",
    "Moby-Dick",
    "the Odyssey",
    "Frankenstein",
    "Don Quixote",
    "Romeo and Juliet",
    "The Lord of the Rings",
    "Jane Eyre",
    "To Kill a Mockingbird",
    "The Little Prince",
    "Crime and Punishment",
    "Macbeth",
    "Nineteen Eighty-Four",
    "Animal Farm",
    "Les Misérables",
    "One Hundred Years of Solitude",
    "The Metamorphosis",
    "Brave New World",
    "Of Mice and Men",
    "Wuthering Heights",
    "the film Inception",
    "the story of Cinderella",
    "Things Fall Apart",
    "The Tale of Genji",
    "Beloved",
    "The Hobbit",
    "Dracula",
    "Anna Karenina",
    "The Count of Monte Cristo",
    "Great Expectations",
    "the film Spirited Away",
    "Robinson Crusoe",
    "The Old Man and the Sea",
    "Little Women",
    "the Iliad",
    "Madame Bovary",
    "The Catcher in the Rye",
    "Middlemarch",
    "The Handmaid's Tale",
    "Of Human Bondage",
    "Sense and Sensibility",
    "The Remains of the Day",
    "Treasure Island",
    "Alice's Adventures in Wonderland",
    "The Grapes of Wrath",
    "Lord of the Flies",
    "A Christmas Carol",
    "Heart of Darkness",
    "the film Casablanca",
    "the film Parasite",
    "Journey to the West",
    "The Name of the Rose",
    "The Odyssey of Homer",
    "Charlotte's Web",
    "War and Peace",
    "The Secret Garden",
    "Rebecca",
    "Gulliver's Travels",
    "The Three Musketeers",
    "Persepolis",
    "Kafka on the Shore",
    "Never Let Me Go",
    "the film The Godfather",
    "the film Amélie",
    "Pinocchio",
    "The Wind in the Willows",
    "Mrs Dalloway",
    "The Jungle Book",
];

const SUM_VERB: &[&str] = &[
    "summarize",
    "sum up",
    "recap",
    "briefly summarize",
    "outline",
];

const TLDR_ASK: &[&str] = &[
    "give me a TL;DR of",
    "TL;DR of",
    "quick summary of",
    "I need a quick recap of",
    "short summary of",
];

const ONE_LINE_ASK: &[&str] = &[
    "summarize this in one line:",
    "shorten this to one sentence:",
    "boil this down:",
    "give me the gist:",
    "make this shorter:",
    "one-line summary of this, please:",
];

const KEYPOINTS_ASK: &[&str] = &[
    "sum up the key points of",
    "give me the main points of",
    "summarize the main ideas of",
    "list the key takeaways of",
];

const N_SENT: &[&str] = &[
    "one sentence",
    "two sentences",
    "three sentences",
    "a short paragraph",
    "under 50 words",
    "five bullet points",
];

const SUM_TAIL: &[&str] = &[
    "",
    "",
    " without spoilers",
    " in plain English",
    " for a book report",
    " in bullet points",
];

/// One-line messages to shorten; quoted, as people paste them.
const TINY: &[&str] = &[
    "\"The {weekday} meeting is moved to {time} because half the team is at the conference.\"",
    "\"{=name_a} can't make it to dinner on {weekday}, but will join everyone for drinks later.\"",
    "\"Our flight to {city} is delayed by two hours, so we'll land after midnight.\"",
    "\"The gym will close for repairs from {weekday} until the end of {month}.\"",
    "\"Please submit expense reports by {weekday}, because finance closes the books early this month.\"",
    "\"{=name_a} found a cheaper venue in {city}, but it only has space for forty people.\"",
    "\"The landlord will fix the heating on {weekday}; someone needs to be home to let them in.\"",
    "\"Rehearsal is cancelled on {weekday} since the hall is double-booked; we'll meet at {time} instead.\"",
    "\"The plumber can come on {weekday} at {time}, but only if someone signs for the parts.\"",
    "\"{=name_a} says the report needs one more chart and a shorter intro before {weekday}.\"",
    "\"Trains to {city} are replaced by buses this weekend, so allow an extra hour.\"",
    "\"The library will stay open until {time} during exam weeks, starting this {weekday}.\"",
    "\"Our {weekday} run is moved to the park because the river path is flooded.\"",
    "\"{=name_a} will be late on {weekday}, so please start the meeting without waiting.\"",
    "\"The {city} office is closed on {weekday} for a fire drill; work from home if you can.\"",
    "\"Your parcel could not be delivered on {weekday}; pick it up at the post office after {time}.\"",
    "\"Swimming lessons restart in {month}, and the price goes up by two pounds per session.\"",
    "\"The printer on the second floor is broken again, so use the one by the kitchen.\"",
    "\"Dinner at {=name_a}'s is now on {weekday} at {time}; bring dessert if you can.\"",
    "\"We're out of milk, coffee and bin bags; can someone shop before {weekday}?\"",
];

const DOC_KNOWN: &[&str] = &[
    "the US Declaration of Independence",
    "the Paris climate agreement",
    "Darwin's On the Origin of Species",
    "the 'I Have a Dream' speech",
    "the GDPR",
    "the Universal Declaration of Human Rights",
    "the Gettysburg Address",
    "the Communist Manifesto",
    "The Art of War",
    "the Magna Carta",
    "the Treaty of Versailles",
    "Silent Spring",
    "the Geneva Conventions",
    "Adam Smith's The Wealth of Nations",
    "the Bill of Rights",
    "the Kyoto Protocol",
    "Keynes's General Theory",
    "the Emancipation Proclamation",
    "Orwell's essay Politics and the English Language",
    "the Hippocratic Oath",
];

/// Meeting notes, one coherent meeting each.
const NOTES: &[&str] = &[
    "Launch sync, {weekday}: we agreed to move the launch from {month_early} to {month_late}. {=name_a} owns the pricing page and will report back next week. QA found {n_bugs} blocking bugs in checkout, two of them on mobile. Marketing wants final screenshots by Friday, and legal still has to review the new terms.",
    "Staff meeting at {business}: opening hours change from next month. {=name_a} will draw up the new rota by {weekday}. Two suppliers raised prices by {pct}%, so we'll compare alternatives before the next order. The broken freezer is still waiting for a repair visit. Next meeting in two weeks.",
    "Project update: the data migration is {pct}% done and about a week behind, mostly because the old system exports dates in three formats. {=name_c} proposed a clean-up script; {=name_a} worries it will hide real errors. We agreed to run it on a copy first. Spending is within the {money_big} budget, but contractor hours are running high.",
    "Parents' association, {weekday} evening: the summer fair raised {money}, about a third more than last year. Most of it goes to new library books, the rest to the playground fund. Volunteers are needed for the book swap in {month_late}. Someone suggested card payments for next year; no decision yet.",
    "Research group meeting: {=name_c} presented the pilot results, which look promising but come from only {n_people} participants. The ethics amendment was approved on {weekday}. We still need a second coder for the interviews. {=name_a} will draft the conference abstract, due at the end of {month_late}.",
];

const NOTES_MORE: &[&str] = &[
    "Later addition: {=name_a} said the date above may slip again if the supplier is late.",
    "Correction from {=name_c}: the budget figure quoted earlier is last year's.",
    "Also raised: nobody has been named to sign off on the final version.",
    "Note: two people asked whether remote attendance will be possible next time.",
];

const REVIEW: &[&str] = &[
    "Booked a table for {weekday} dinner in {city}. The food was excellent, especially the fish, but we waited forty minutes for mains and nobody apologised. The bill also included a service charge we weren't told about. Lovely place, badly run.",
    "The {product} is fine for the price. It took ages to arrive, the instructions were only in German, and one part was missing, but customer service sent it within two days. Works well now.",
    "I bought this {product} three weeks ago. Setup took five minutes and it looks great on my desk. But the battery lasts barely {n_hours} hours, not the advertised twelve, and support took a week to reply. For the price, I expected better.",
    "Stayed at this hotel in {city} for four nights. The room was spotless and the staff were lovely, especially at the front desk. Breakfast was disappointing, with the same cold options every day. The street is noisy at night, so bring earplugs. I'd probably stay again.",
    "The {product} arrived two days late and the box was damaged, though the item itself was fine. It works as described and is better made than I expected. The companion app is confusing and keeps logging me out. Three stars: good hardware, poor software.",
];

/// Reviews for the two-review prompt, different from `review` so a row never repeats one.
const REVIEW_B: &[&str] = &[
    "Five stars for the staff, two for the {product} itself. It overheats after {n_hours} hours of use, which the shop says is normal. I'm not convinced, and I'd like a longer warranty.",
    "Our family stayed near {city} for a week. Clean rooms, a great pool, but the Wi-Fi never worked and the restaurant closed at 8 pm. Good value if you don't need to work.",
    "Love the design of the {product}, but mine stopped working after {n_hours} weeks. The replacement came quickly and has been fine so far. Packaging was excessive: a huge box full of plastic for something this small.",
    "Great value. The {product} does everything the expensive brands do. Delivery to {city} took ten days though, and nobody answered the chat when I asked where it was. I'd buy it again, but order earlier.",
    "Returned it. The {product} was smaller than the photos suggest and the colour looked different in person. The refund took two weeks and I had to pay for return postage myself, which felt unfair.",
];

const DOC_TAIL: &[&str] = &[
    "",
    "",
    " in plain English",
    " in bullet points",
    " for a school essay",
    " in five lines",
    " for {audience}",
];

const ANY_REVIEW: &[&str] = &["{review}", "{review_b}"];

const N_SENT_SHORT: &[&str] = &[
    "one sentence",
    "two sentences",
    "three sentences",
    "a single line",
];

const REVIEW_FOCUS: &[&str] = &[
    "keeping the main complaint and any praise",
    "for our product team",
    "in a neutral tone",
    "so I can decide whether to reply",
    "separating facts from feelings",
];

const PRODUCT: &[&str] = &[
    "wireless keyboard",
    "desk lamp",
    "Bluetooth speaker",
    "fitness watch",
    "coffee grinder",
    "e-reader",
    "robot vacuum",
    "pair of headphones",
];

const EMAIL: &[&str] = &[
    "Hi all, a quick update on the office move. We get the keys to the new building on {weekday}. IT will move desks and screens over the weekend, so please pack your personal items by Friday afternoon. Parking is limited for the first month, so use the bike racks or the tram if you can. The old office closes at the end of {month}. Thanks, {=name_d}",
    "Hello team, the client in {city} has asked to bring the review forward by a week. That means the draft report is now due on {weekday}, not next {weekday}. {=name_a} will cover the data section; I'll take the recommendations. Please flag by tomorrow if this clashes with leave. Best, {=name_d}",
    "Dear parents, the school trip to the science museum is on {weekday}. Children should arrive by 8:15 with a packed lunch and a rain jacket. The coach returns at about 4 pm. The cost is {money_trip}, payable online by the end of {month}. Please tell us about any allergies. Kind regards, {=name_d}",
];

const EMAIL_REPLY: &[&str] = &[
    "that timing won't work for my team; can we push it to the following week?",
    "fine by me, but note that {weekday} is a public holiday here, so we'd lose a day.",
    "I can help, but only in the mornings; I'm on another project after lunch.",
];

const ARTICLE: &[&str] = &[
    "The city council of {city} voted on {weekday} to turn four car lanes in the centre into protected bike paths. Shop owners are divided: some expect more foot traffic, others fear losing delivery access. A similar scheme in {city2} cut traffic injuries by about a third within two years. Work is due to start in {month} and take about {n_months} months.",
    "A heatwave pushed temperatures in {city} above 40°C for the fifth day in a row. Hospitals reported a rise in heat-related admissions, mostly among older residents, and the city opened cooling centres in libraries and schools. Forecasters expect relief by the weekend but warn that such spells will become more common.",
    "A family-run bakery in {city} has switched to a four-day week without cutting pay. The owner says sales stayed flat while sick days fell by half, and two staff who had planned to leave decided to stay. Customers grumbled about the {weekday} closure at first, but most now shop later in the week instead.",
    "The regional train operator announced that fares will rise by {pct}% from {month}, the largest increase in a decade. The company blames energy costs and says the money will fund newer trains. Commuter groups call the rise unfair because punctuality fell last year, and the transport minister has asked for a review.",
];

const STUDY: &[&str] = &[
    "Researchers followed 12,000 adults for ten years and found that those who walked at least 7,000 steps a day had a 30% lower risk of heart disease than those who walked under 4,000. The study was observational, relied on self-reported health data for some participants, and the authors note that healthier people may simply walk more. They call for a randomised trial.",
    "In a trial with {n_people} primary schools, pupils who had a 20-minute outdoor break before maths lessons scored slightly higher on end-of-year tests than pupils in comparison schools. The difference was small and only significant for younger pupils. Teachers knew which group they were in, and the trial ran for a single year.",
];

const MONTH_EARLY: &[&str] = &["January", "February", "March", "April", "May", "June"];
const N_MINUTES: &[&str] = &["30", "45", "60", "90"];
const N_HOURS: &[&str] = &["3", "4", "5", "6"];
const N_BUGS: &[&str] = &["three", "four", "five", "six"];
const TIME: &[&str] = &["9:30", "10:00", "11:15", "14:00", "15:30", "16:45"];
const MONEY_TRIP: &[&str] = &["£12", "€15", "$18", "£20", "€9"];
