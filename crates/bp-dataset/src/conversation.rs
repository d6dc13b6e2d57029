//! conversation: chit-chat, greetings, opinions, emotional support, conversation practice.
//! Nothing here asks for a deliverable (a text, a plan, a fix): the user wants to talk.
//! Simple rows are a greeting, a bit of news and a question in any combination; complex
//! ones set up a whole conversation with rules for how it should go.

use super::grammar::Family;

pub(super) const FAMILY: Family = Family {
    simple: &[
        "{greet} {chat_pre}{chat_q}{emo}",
        "{greet} {news}{excl}{news_tail}",
        "{news}{excl} {chat_q}{emo}",
        "{greet} {news}{excl} {chat_q}",
        "{greet} {opinion_q} {light_topic}?{emo}",
        "{thanks}{excl} {chat_q}{emo}",
        "{greet} {mood_line}{excl} {chat_q}",
    ],
    moderate: &[
        "{greet} I've had a long week: {rough_a}, and {rough_b}. Can we just chat about something light for a bit? Maybe {light_topic}?{chat_close}",
        "{greet} what's your honest opinion on {light_topic}? My {relative} and I have been going back and forth about it {argue_time}, and I'd love a friendly third opinion, not a lecture.{chat_close}",
        "{greet} I'm feeling a bit {mood} about {life_change}. I don't need advice right now; {talk_ask}{chat_close}",
        "{greet} I'm practising my English; {native}. Could we have a casual chat? Ask me about {chat_topic}, keep your sentences short, and {correction}.{chat_close}",
        "{greet} {good_news}{excl} I'm so happy I had to tell someone. {excited_ask}{chat_close}",
        "{greet} {sleepless}, and everyone else is offline. Could you keep me company for a bit? Let's talk about {chat_topic} or {calm_thing}.{chat_close}",
    ],
    complex: &[
        "{lead}I'd like to practise small talk for {event}. Please play a friendly {role} I'm meeting for the first time. Keep your replies short and natural, ask me follow-up questions about {chat_topic}, gently point it out if I come across as rude or too formal, and after about {n_exchanges} exchanges step out of the role and tell me what went well and what felt awkward.{close}",
        "{lead}I've been feeling {mood} since {life_change_past}, and most days I don't talk to anyone until the evening. I don't want a list of tips. Just chat with me like a friend would: ask about my day, share your take on {light_topic}, remember what I tell you in this conversation, and if I mention feeling hopeless, gently suggest talking to someone I trust or a helpline. Keep it warm and unhurried.{close}",
        "{lead}Let's have a light-hearted debate about {debate_topic}. I'm for it, so you take the other side. Keep each reply under {n_small} sentences, {humour}, concede a point when I make a good one, and after {n_exchanges} rounds tell me honestly which of my arguments was strongest and why.{close}",
        "{lead}Can we have a relaxed conversation in {any_lang} about {chat_topic}? {level}, so use short sentences and common words, {gloss}, ask me one question at a time, and correct at most one mistake per reply so I don't get discouraged. Start by introducing yourself.{close}",
        "{lead}My {relative} is visiting {visit_when} and we always end up arguing about {light_topic}. Can we chat it through first? Ask me what usually happens, listen more than you advise, share a funny story or two along the way, and when we're done, help me think of {n_2_3} friendly ways to change the subject if it comes up again.{close}",
    ],
    slots: &[
        ("chat_pre", CHAT_PRE),
        ("greet", GREET),
        ("chat_q", CHAT_Q),
        ("news", NEWS),
        ("excl", EXCL),
        ("thanks", THANKS),
        ("good_news", GOOD_NEWS),
        ("debate_topic", DEBATE_TOPIC),
        ("fav", FAV),
        ("hobby", HOBBY),
        ("light_topic", LIGHT_TOPIC),
        ("mood_line", MOOD_LINE),
        ("rough_a", ROUGH_A),
        ("rough_b", ROUGH_B),
        ("mood", MOOD),
        ("life_change", LIFE_CHANGE),
        ("life_change_past", LIFE_CHANGE_PAST),
        ("chat_topic", CHAT_TOPIC),
        ("event", EVENT),
        ("role", ROLE),
        ("n_exchanges", N_EXCHANGES),
        ("emo", EMO),
        ("opinion_q", OPINION_Q),
        ("chat_close", CHAT_CLOSE),
        ("argue_time", ARGUE_TIME),
        ("talk_ask", TALK_ASK),
        ("native", NATIVE),
        ("correction", CORRECTION),
        ("excited_ask", EXCITED_ASK),
        ("sleepless", SLEEPLESS),
        ("calm_thing", CALM_THING),
        ("humour", HUMOUR),
        ("any_lang", ANY_LANG),
        ("level", LEVEL),
        ("gloss", GLOSS),
        ("visit_when", VISIT_WHEN),
        ("news_tail", NEWS_TAIL),
    ],
};

const GREET: &[&str] = &[
    "hi!",
    "hey!",
    "hello!",
    "good morning!",
    "good evening!",
    "hiya!",
    "hey there!",
    "morning!",
    "hi again!",
    "hello, friend!",
    "evening!",
    "howdy!",
    "hey, it's me again!",
    "heyyy!",
    "hello hello!",
    "hi hi!",
    "good afternoon!",
    "yo!",
    "greetings!",
    "hey you!",
    "hi, it's me!",
    "happy {weekday}!",
    "oh hi!",
    "hey buddy!",
];

/// Chat-style endings of a short message.
const CHAT_PRE: &[&str] = &[
    "",
    "",
    "",
    "random question: ",
    "just curious, ",
    "so, ",
    "okay, ",
    "tell me, ",
    "quick one: ",
];

const EMO: &[&str] = &[
    "", "", "", " 😊", " :)", " 🙂", " haha", " lol", " ☕", " 👋", " 😄",
];

const OPINION_Q: &[&str] = &[
    "what's your opinion on",
    "what do you think of",
    "how do you feel about",
    "be honest: what's your take on",
    "are you a fan of",
    "where do you stand on",
];

const CHAT_CLOSE: &[&str] = &[
    "",
    "",
    "",
    " 😊",
    " :)",
    " Thanks for listening.",
    " No pressure!",
    " Only if you have time, haha.",
    " 🙂",
    " ❤️",
];

const ARGUE_TIME: &[&str] = &[
    "all week",
    "since {weekday}",
    "for years",
    "at every family dinner",
    "all through lunch",
];

const TALK_ASK: &[&str] = &[
    "could you just talk with me for a while and ask me a few questions about it?",
    "can we just chat about it for a bit?",
    "would you keep me company and ask me how I'm feeling about it?",
    "can you just listen and chat with me about it?",
];

const NATIVE: &[&str] = &[
    "my first language is {any_lang}",
    "I grew up in {city2}",
    "I moved here from {city2} last year",
    "I learned English at school a long time ago",
    "I use it at work but rarely chat",
];

const CORRECTION: &[&str] = &[
    "gently correct my mistakes as we go",
    "only correct the big mistakes",
    "save the corrections for the end",
    "point out words that sound unnatural",
];

const EXCITED_ASK: &[&str] = &[
    "Ask me about it, and then tell me what you'd be most excited about in my place!",
    "Ask me anything about it!",
    "Can we just chat about it for a few minutes?",
    "Tell me something nice to celebrate with, and ask me how it happened!",
];

const SLEEPLESS: &[&str] = &[
    "it's late and I can't sleep",
    "it's 3 am and I'm wide awake",
    "I just woke up from a weird dream",
    "my flight is delayed and I'm stuck at the gate",
    "I'm on a night bus with nothing to do",
];

const CALM_THING: &[&str] = &[
    "anything calm",
    "something cosy",
    "your favourite kind of weather",
    "nice places to visit",
    "old films",
    "the sea",
];

const NEWS_TAIL: &[&str] = &[
    "",
    "",
    " Just wanted to tell someone.",
    " Anyway, how are you?",
    " What's new with you?",
];

const HUMOUR: &[&str] = &[
    "use humour but no insults",
    "be witty but kind",
    "keep it playful",
    "feel free to be a bit dramatic",
];

const ANY_LANG: &[&str] = &["{lang}", "{lang_b}"];

const LEVEL: &[&str] = &[
    "I'm a beginner",
    "I've had a few months of lessons",
    "I can read a bit but speaking is hard",
];

const GLOSS: &[&str] = &[
    "add an English translation in brackets after each of your messages",
    "explain any new word in English",
    "put difficult words in bold with a translation",
];

const VISIT_WHEN: &[&str] = &[
    "this weekend",
    "next week",
    "on {weekday}",
    "for the holidays",
];

const CHAT_Q: &[&str] = &[
    "what's the weather like where you are?",
    "do you have a favourite {fav}?",
    "what's the most interesting thing you've learned this week?",
    "are you more of a {fav} person or not really?",
    "what's your idea of a perfect {weekday}?",
    "do you think {hobby} is relaxing?",
    "which would you pick, {city} or {city2}?",
    "what would you name a pet goldfish?",
    "do you prefer sunrise or sunset?",
    "what's a small thing that makes a day better?",
    "how do you feel about {light_topic}?",
    "what song would you put on right now?",
    "would you rather be a cat or a dog for a day?",
    "what's your comfort food?",
    "what's the best {fav} you can think of?",
    "what do you like about {hobby}?",
    "have you ever been to {city}?",
    "how's your {weekday} going?",
    "what are you up to?",
    "how are you doing today?",
    "how's your day going?",
    "what's your favourite {fav}?",
    "do you like {hobby}?",
    "what do you think about {light_topic}?",
    "can we just chat for a bit?",
    "do you ever get bored?",
    "what would you do on a free afternoon?",
    "cats or dogs?",
    "coffee or tea?",
    "have you heard any good jokes lately?",
    "do you have a favourite season?",
    "what's the best thing about weekends?",
    "are you having a good day?",
    "want to hear about my weekend?",
    "what's something that made you laugh recently?",
    "mountains or beach?",
    "are you a morning person?",
    "what's your take on {light_topic}?",
    "any fun plans for the weekend?",
    "is {hobby} boring or fun, in your opinion?",
];

const NEWS: &[&str] = &[
    "I just adopted a cat",
    "I ran my first 10K this morning",
    "I finally fixed my bike",
    "I'm having a lazy {weekday}",
    "I just finished a really good book",
    "I'm learning {lang}",
    "I just got a new puppy",
    "I finally finished my first marathon",
    "I passed my driving test today",
    "it's my birthday today",
    "I'm so tired today",
    "I'm bored at work",
    "it's raining again here",
    "I just got back from {city}",
    "I made pancakes for the first time",
    "my team won last night",
    "I can't sleep",
    "I started learning the guitar",
    "I'm waiting for my flight",
    "I'm on my lunch break",
    "I just moved to {city}",
    "my cat knocked my coffee over",
    "today was a good day",
    "I'm procrastinating right now",
    "I baked bread this weekend",
    "I got a promotion",
    "I've been binge-watching a new series",
    "I finally cleaned my whole flat",
    "my sister had a baby",
    "I tried {hobby} for the first time",
    "it snowed here overnight",
];

const EXCL: &[&str] = &[".", "!", " :)", "! 😊", "...", "!!"];

/// Thanks that a new question can follow.
const THANKS: &[&str] = &[
    "thanks, that really helped",
    "you're the best, thank you",
    "thanks for the chat",
    "I appreciate you listening",
    "that made me smile, thanks",
    "ok, I feel better now",
    "haha, you're funny",
    "nice talking to you",
    "thanks, you cheered me up",
    "that was exactly what I needed",
    "thank you, that's really kind",
    "lol, good one",
    "thanks for keeping me company",
    "you always know what to say",
];

const GOOD_NEWS: &[&str] = &[
    "I just got a new puppy",
    "I finally finished my first marathon",
    "I passed my driving test today",
    "I got a promotion",
    "my sister had a baby",
    "I got into the university I wanted",
    "we're getting married",
    "I sold my first painting",
    "I'm going to {city} next month",
];

/// Things one can be "for" in a friendly debate.
const DEBATE_TOPIC: &[&str] = &[
    "pineapple on pizza",
    "working from home",
    "early mornings",
    "reality TV",
    "cold showers",
    "audiobooks counting as reading",
    "socks with sandals",
    "breakfast for dinner",
    "spoilers",
    "camping holidays",
    "New Year's resolutions",
    "tiny houses",
    "film remakes",
];

const FAV: &[&str] = &[
    "book",
    "film",
    "season",
    "food",
    "song",
    "holiday",
    "board game",
    "pet",
    "city",
    "colour",
    "dessert",
    "word",
    "time of day",
    "TV show",
    "sport",
    "smell",
    "breakfast",
];

const HOBBY: &[&str] = &[
    "gardening",
    "jazz",
    "hiking",
    "cooking",
    "video games",
    "puzzles",
    "rainy days",
    "poetry",
    "football",
    "board games",
    "painting",
    "podcasts",
    "camping",
    "old films",
    "baking",
    "karaoke",
    "knitting",
    "birdwatching",
];

const LIGHT_TOPIC: &[&str] = &[
    "pineapple on pizza",
    "working from home",
    "early mornings",
    "winter holidays",
    "reality TV",
    "breakfast for dinner",
    "cold showers",
    "audiobooks",
    "superhero movies",
    "New Year's resolutions",
    "road trips",
    "tiny houses",
    "socks with sandals",
    "tea versus coffee",
    "cats being better than dogs",
    "summer versus winter",
    "camping",
    "sequels to good films",
    "book clubs",
    "spoilers",
];

const MOOD_LINE: &[&str] = &[
    "I'm in a great mood today",
    "I'm feeling a bit low",
    "I'm kind of restless",
    "I'm weirdly happy for a Monday",
    "I'm a bit nervous about tomorrow",
    "I'm feeling lazy today",
];

const ROUGH_A: &[&str] = &[
    "my car broke down",
    "work was nonstop",
    "my flatmate moved out",
    "I had two exams",
    "the kids were ill",
    "our team missed a deadline",
];

const ROUGH_B: &[&str] = &[
    "I barely slept",
    "it hasn't stopped raining",
    "my phone screen cracked",
    "I forgot my best friend's birthday",
    "the boiler broke",
];

const MOOD: &[&str] = &[
    "nervous",
    "lonely",
    "overwhelmed",
    "excited but scared",
    "down",
    "restless",
    "homesick",
    "flat",
    "anxious",
];

const LIFE_CHANGE: &[&str] = &[
    "starting a new job on Monday",
    "moving to {city}",
    "my best friend moving abroad",
    "turning forty",
    "my kids leaving for university",
    "retiring next month",
    "becoming a parent",
    "going back to school",
];

const LIFE_CHANGE_PAST: &[&str] = &[
    "I moved to {city}",
    "my divorce",
    "I started working from home",
    "my kids left home",
    "I retired",
    "my dog died",
];

const CHAT_TOPIC: &[&str] = &[
    "my hometown",
    "my weekend",
    "my favourite food",
    "my job",
    "travel",
    "films",
    "my family",
    "music",
    "sport",
    "my plans for the summer",
];

const EVENT: &[&str] = &[
    "a networking evening",
    "dinner with my partner's family",
    "my first week at a new job",
    "a wedding where I know nobody",
    "a parents' evening at school",
    "a conference coffee break",
];

const ROLE: &[&str] = &[
    "colleague",
    "guest",
    "neighbour",
    "parent",
    "attendee",
    "stranger",
];

const N_EXCHANGES: &[&str] = &["five", "six", "eight", "ten"];
