//! translation: into another human language. English phrases go into a named language;
//! non-English phrases (accented Latin, Greek, Cyrillic, Arabic, Devanagari, CJK) come back
//! into English only, so a row never asks to translate French into French.
//!
//! The non-English phrases are everyday sentences written for this table; a slot inside
//! one (a weekday, a number) stays in the same language as the sentence around it.

use super::grammar::Family;

pub(super) const FAMILY: Family = Family {
    simple: &[
        "{hi}translate \"{phrase_en}\" into {any_lang}.{thx}",
        "{hi}how do you say \"{phrase_en}\" in {any_lang}?{thx}",
        "{hi}what's the {any_lang} word for \"{word_en}\"?{thx}",
        "{hi}{pls}put \"{phrase_en}\" into {any_lang} for me.{thx}",
        "{hi}{to_english}{thx}",
    ],
    moderate: &[
        "{hi}{pls}translate this into {any_lang}, keeping it {register}. It's a {message}{close}",
        "{hi}what does \"{foreign}\" mean? {literal_ask}, and {explain_ask}.{close}",
        "{hi}translate \"{phrase_en}\" into {lang} and {lang_b}, and point out any difference between the formal and informal forms in each.{close}",
        "{hi}I'm writing to {recipient} in {any_lang}. How would I say \"{phrase_en}\" naturally rather than word for word? Please give a formal and an informal version.{close}",
        "{hi}how would you translate the idiom \"{idiom}\" into {any_lang}? {idiom_ask}{close}",
    ],
    complex: &[
        "{lead}Translate the product announcement below into {lang} and {lang_b}. Keep product and brand names in English, adapt idioms naturally instead of translating them literally, keep each sentence under {n_chars} characters for the app store, use a {register} register, and after each translation list any phrase whose meaning you had to change, with the reason.{fmt}\n\n{announcement}",
        "{lead}I run {business} and need this notice translated from English into {any_lang} for {readers}. Use {register} language, convert times to the 24-hour clock, keep the bullet structure exactly, and add a translator's note wherever a term has no direct equivalent:\n\n{notice}",
        "{lead}Here is a sentence: {foreign} Translate it into English twice: once word by word, and once as a native speaker would say it. Then explain the grammar that differs from English, point out any politeness or formality that English can't express directly, and suggest how to keep that nuance in {en_context}.{fmt}{close}",
        "{lead}Translate these subtitle lines into {any_lang}. Each line must stay under {n_chars} characters, keep the jokes working even if the wording changes, match the speakers' {register} tone, and keep the numbering. Flag every pun you replaced and explain your choice.{fmt}\n\n1. {sub_1}\n2. {sub_2}\n3. {sub_3}",
    ],
    slots: &[
        ("idiom_ask", IDIOM_ASK),
        ("any_lang", ANY_LANG),
        ("phrase_en", PHRASE_EN),
        ("word_en", WORD_EN),
        ("foreign", FOREIGN),
        ("to_english", TO_ENGLISH),
        ("register", REGISTER),
        ("readers", READERS),
        ("key_fee", KEY_FEE),
        ("literal_ask", LITERAL_ASK),
        ("explain_ask", EXPLAIN_ASK),
        ("message", MESSAGE),
        ("recipient", RECIPIENT),
        ("idiom", IDIOM),
        ("n_chars", N_CHARS),
        ("announcement", ANNOUNCEMENT),
        ("notice", NOTICE),
        ("en_context", EN_CONTEXT),
        ("sub_1", SUB_1),
        ("sub_2", SUB_2),
        ("sub_3", SUB_3),
        ("fr_day", FR_DAY),
        ("fr_num", FR_NUM),
        ("es_item", ES_ITEM),
        ("de_num", DE_NUM),
        ("de_when", DE_WHEN),
        ("it_hour", IT_HOUR),
        ("ja_time", JA_TIME),
        ("zh_city", ZH_CITY),
    ],
};

const ANY_LANG: &[&str] = &["{lang}", "{lang_b}"];

const PHRASE_EN: &[&str] = &[
    "Where is the nearest train station?",
    "I'd like a table for two, please.",
    "Could you speak more slowly?",
    "How much does this cost?",
    "I'm allergic to peanuts.",
    "Happy birthday, my friend!",
    "Thank you for your hospitality.",
    "The meeting has been moved to {weekday}.",
    "Please leave the key at the front desk.",
    "We're running about ten minutes late.",
    "Is breakfast included?",
    "I lost my passport.",
    "Can I pay by card?",
    "Good luck with your exam!",
    "What time does the museum open?",
    "My flight to {city} was cancelled.",
    "It was lovely to meet you.",
    "Where can I buy a bus ticket?",
    "Do you have this in a larger size?",
    "Congratulations on your new job!",
    "I don't eat meat.",
    "Could you call me a taxi?",
    "The Wi-Fi password is on the fridge.",
    "See you on {weekday} morning.",
    "Excuse me, is this seat free?",
    "Our office is closed on public holidays.",
    "I'll be there in five minutes.",
    "Can you recommend a good restaurant nearby?",
    "I need to see a doctor.",
    "Welcome to {city}!",
    "Get well soon!",
    "Where is the toilet, please?",
    "I only speak a little {lang}.",
    "The shop opens at nine on {weekday}.",
    "Thank you for waiting.",
    "Please turn off your phones during the show.",
    "How do I get to the airport?",
];

const WORD_EN: &[&str] = &[
    "butterfly",
    "umbrella",
    "library",
    "grandmother",
    "sunflower",
    "breakfast",
    "thunderstorm",
    "toothbrush",
    "friendship",
    "lighthouse",
    "homework",
    "spoon",
    "rainbow",
    "snail",
    "receipt",
    "luggage",
    "neighbour",
    "cloud",
    "bridge",
    "key",
    "cheers",
    "homesick",
    "cosy",
    "weekend",
    "bookshop",
    "waterfall",
    "squirrel",
    "pillow",
    "lemon",
    "train station",
];

/// Everyday sentences in other languages and scripts.
const FOREIGN: &[&str] = &[
    "Je voudrais réserver une chambre pour {fr_num} nuits.",
    "Où se trouve la gare, s'il vous plaît ?",
    "Le musée est fermé le {fr_day}.",
    "Merci beaucoup pour votre aide.",
    "Pourriez-vous parler plus lentement ?",
    "¿Dónde está la estación de tren?",
    "Me gustaría pedir la cuenta, por favor.",
    "Mañana va a llover por la tarde.",
    "¿Cuánto cuesta {es_item}?",
    "Encantado de conocerte.",
    "Können Sie mir bitte helfen?",
    "Ich hätte gern einen Kaffee mit Milch.",
    "Der Zug hat {de_num} Minuten Verspätung.",
    "Wir sehen uns {de_when}.",
    "Entschuldigung, wo ist die nächste Apotheke?",
    "Obrigado pela ajuda, foi muito útil.",
    "A reunião foi adiada para sexta-feira.",
    "Onde fica a farmácia mais próxima?",
    "Vorrei un caffè, per favore.",
    "Il negozio apre alle {it_hour}.",
    "Quanto costa il biglietto?",
    "Può ripetere, per favore?",
    "駅はどこですか？",
    "ありがとうございます。",
    "明日の会議は{ja_time}からです。",
    "この料理はとても美味しいです。",
    "すみません、英語を話せますか？",
    "谢谢你的帮助。",
    "我想预订一张明天去{zh_city}的火车票。",
    "这家餐厅周一不营业。",
    "你好，很高兴认识你。",
    "감사합니다.",
    "화장실이 어디에 있어요?",
    "내일 만나요.",
    "Большое спасибо за помощь.",
    "Где находится ближайшая станция метро?",
    "Çok teşekkür ederim.",
    "Hesabı alabilir miyim?",
    "Καλημέρα, τι κάνετε;",
    "Dziękuję bardzo za pomoc.",
    "Gdzie jest dworzec?",
    "Jag förstår inte, kan du upprepa?",
    "Cảm ơn bạn rất nhiều.",
    "أين المحطة؟",
    "आपका दिन शुभ हो।",
    "Děkuji za pozvání.",
    "Hvor er nærmeste busstopp?",
];

/// One short ask to translate a non-English phrase into English.
const TO_ENGLISH: &[&str] = &[
    "what does \"{foreign}\" mean in English?",
    "translate this to English: {foreign}",
    "how would you translate \"{foreign}\" into English?",
    "what's the English for \"{foreign}\"?",
    "a friend texted me \"{foreign}\". What does it mean?",
    "I saw \"{foreign}\" on a sign. What does it say in English?",
    "English translation of \"{foreign}\", please.",
];

const LITERAL_ASK: &[&str] = &[
    "Give me a literal translation and a natural English one",
    "Translate it word by word first, then naturally",
    "Give me the meaning and a natural way to say it in English",
];

const EXPLAIN_ASK: &[&str] = &[
    "explain any word that doesn't translate directly",
    "tell me how formal it sounds",
    "say when people would use it",
];

const READERS: &[&str] = &[
    "our customers",
    "international guests",
    "new staff",
    "visiting families",
    "local residents",
];

const KEY_FEE: &[&str] = &["€25", "£30", "$40", "€50"];

const REGISTER: &[&str] = &[
    "polite but friendly",
    "formal",
    "casual",
    "warm",
    "neutral",
    "respectful",
    "light-hearted",
];

/// A message and what kind it is, completing "It's a …".
const MESSAGE: &[&str] = &[
    "note for my host family: \"Thank you for dinner last night. I'll be back late on {weekday} because of a university event, so please don't wait for me.\"",
    "message to my landlord: \"Hi, the kitchen tap has been leaking since {weekday}. Could someone come and look at it this week? I'm home most afternoons.\"",
    "reply to a customer: \"We're sorry your order arrived damaged. A replacement is on its way and should reach you within three working days.\"",
    "text to a new colleague: \"Welcome to the team! We usually have lunch together on {weekday}s, and you're very welcome to join us.\"",
    "card for my neighbours: \"Thank you for looking after our cat while we were away. Please accept this small gift from {city}.\"",
    "booking email to a hotel: \"We will arrive late, around midnight, on {weekday}. Could you please keep our room and leave the key at reception?\"",
];

const RECIPIENT: &[&str] = &[
    "my host family",
    "a new colleague",
    "my landlord",
    "a pen pal",
    "my partner's grandmother",
    "a hotel",
    "my child's teacher",
    "a customer",
];

const IDIOM: &[&str] = &[
    "break a leg",
    "it's raining cats and dogs",
    "the ball is in your court",
    "once in a blue moon",
    "bite the bullet",
    "spill the beans",
    "hit the nail on the head",
    "under the weather",
    "it costs an arm and a leg",
    "a piece of cake",
    "let the cat out of the bag",
    "don't count your chickens before they hatch",
    "it's not my cup of tea",
    "to beat around the bush",
    "the elephant in the room",
    "to pull someone's leg",
    "every cloud has a silver lining",
    "to kill two birds with one stone",
    "to call it a day",
    "to be on cloud nine",
];

const IDIOM_ASK: &[&str] = &[
    "Is there an equivalent expression, or should I rephrase it? Please give an example sentence.",
    "Is there a local equivalent? Show me how you'd use it in a sentence.",
    "If there's no direct match, what would a native speaker say instead?",
    "I need it for a speech, so it should sound natural, not literal.",
];

const N_CHARS: &[&str] = &["40", "50", "60", "70", "100"];

const ANNOUNCEMENT: &[&str] = &[
    "Meet the new Pocket Planner: your week, sorted in seconds. Syncing is now a piece of cake, even offline. Shared lists let the whole family pitch in, and the new dark mode is easy on the eyes. Update today and hit the ground running.",
    "BrightBank just got brighter. You can now split bills with friends in two taps, freeze your card instantly, and see where every penny goes. No hidden fees, no strings attached. Available from {weekday} in the latest version.",
    "StudyBuddy 3.0 is here! Flashcards now learn what you keep forgetting, exam countdowns keep you on track, and group rooms let you study with friends. It's a game changer for exam season, and it's free for students.",
];

const NOTICE: &[&str] = &[
    "- Opening hours: 8 am to 6 pm, Monday to Saturday.\n- Please book at least 24 hours in advance.\n- Cancellations made less than 12 hours ahead are charged in full.\n- Dogs on a lead are welcome in the garden area.",
    "- Check-in is from 3 pm and check-out by 11 am.\n- Quiet hours are from 10 pm to 7 am.\n- Please sort recycling into the bins by the back door.\n- Lost keys cost {key_fee} to replace.",
    "- Classes start at 9:15 sharp; latecomers wait for the break.\n- Bring your own water bottle and a towel.\n- Lockers must be emptied at the end of each day.\n- Tell the instructor about any injury before class.",
];

const EN_CONTEXT: &[&str] = &[
    "a film subtitle",
    "a business email",
    "a children's book",
    "a text message",
    "a novel's dialogue",
];

const SUB_1: &[&str] = &[
    "I told you not to feed the goat after midnight!",
    "Is that your car or a very brave tortoise?",
    "We're not lost. We're exploring with confidence.",
];
const SUB_2: &[&str] = &[
    "Relax, it's only a small fire. A cosy one.",
    "I didn't break it. I improved its airflow.",
    "My plan is simple: we pretend we have a plan.",
];
const SUB_3: &[&str] = &[
    "Fine. But if the goat wins, I'm not apologising.",
    "Next time, we're asking the satnav, not your uncle.",
    "That's the last time I trust a map drawn on a napkin.",
];

const FR_DAY: &[&str] = &["lundi", "mardi", "mercredi", "jeudi", "dimanche"];
const FR_NUM: &[&str] = &["deux", "trois", "quatre", "cinq"];
const ES_ITEM: &[&str] = &["este libro", "esta camisa", "el billete", "la entrada"];
const DE_NUM: &[&str] = &["zehn", "fünfzehn", "zwanzig", "dreißig"];
const DE_WHEN: &[&str] = &["morgen", "nächste Woche", "am Freitag", "heute Abend"];
const IT_HOUR: &[&str] = &["nove", "dieci", "otto e mezza", "tre"];
const JA_TIME: &[&str] = &["十時", "九時", "午後二時", "三時半"];
const ZH_CITY: &[&str] = &["上海", "北京", "广州", "杭州"];
