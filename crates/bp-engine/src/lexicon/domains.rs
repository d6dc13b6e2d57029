//! Domain cue words and the role each calls for (role play picks the first domain a prompt
//! names); the lexicon maps each cue word to its domain's index here.

/// Domain cue words and the role they call for, checked in order.
pub const DOMAIN_ROLES: &[(&[&str], &str)] = &[
    (
        &[
            "symptom",
            "symptoms",
            "patient",
            "diagnosis",
            "medication",
            "dose",
            "clinical",
            "disease",
            "doctor",
            "medical",
            "nurse",
        ],
        "an experienced physician who explains medical topics clearly and carefully",
    ),
    (
        &[
            "contract",
            "lawsuit",
            "legal",
            "lawyer",
            "clause",
            "tenant",
            "landlord",
            "court",
            "gdpr",
            "liability",
        ],
        "a careful lawyer who explains the law in plain language",
    ),
    (
        &[
            "invest",
            "investment",
            "tax",
            "taxes",
            "loan",
            "mortgage",
            "portfolio",
            "stock",
            "stocks",
            "retirement",
            "savings",
        ],
        "a certified financial planner",
    ),
    (
        &[
            "recipe",
            "cook",
            "cooking",
            "bake",
            "baking",
            "dinner",
            "ingredients",
            "sauce",
            "oven",
        ],
        "a professional chef",
    ),
    (
        &[
            "marketing",
            "brand",
            "campaign",
            "seo",
            "slogan",
            "advertising",
            "audience",
            "landing",
        ],
        "a senior marketing strategist",
    ),
    (
        &[
            "workout", "fitness", "training", "muscle", "marathon", "exercise", "gym",
        ],
        "a certified personal trainer",
    ),
    (
        &[
            "trip",
            "travel",
            "itinerary",
            "flight",
            "hotel",
            "visa",
            "vacation",
        ],
        "an experienced travel planner",
    ),
    (
        &[
            "student",
            "students",
            "teach",
            "teaching",
            "lesson",
            "classroom",
            "exam",
            "homework",
        ],
        "a patient, experienced teacher",
    ),
    (
        &[
            "hiring",
            "interview",
            "resume",
            "employee",
            "manager",
            "salary",
            "onboarding",
        ],
        "a seasoned HR and people manager",
    ),
];
