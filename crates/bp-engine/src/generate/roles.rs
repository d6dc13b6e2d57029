//! Role play picks a role that fits the prompt: a domain named in the prompt wins over the
//! intent's default, because "a physician" helps a medical question more than "an expert".

use crate::lexicon::ClassifiedWords;
use bp_api::Intent;

/// Domain cue words and the role they call for, checked in order.
pub(crate) const DOMAIN_ROLES: &[(&[&str], &str)] = &[
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

pub fn role_for(words: &ClassifiedWords<'_>, intent: Intent) -> &'static str {
    if let Some((_, role)) = words
        .iter()
        .find_map(|(_, c)| c.domain())
        .and_then(|d| DOMAIN_ROLES.get(d))
    {
        return role;
    }
    match intent {
        Intent::QuestionAnswering => {
            "a knowledgeable subject-matter expert who explains things accurately"
        }
        Intent::CreativeWriting => "an award-winning author with a distinctive voice",
        Intent::CodeGeneration => "a senior software engineer who writes clean, tested code",
        Intent::DataAnalysis => "an experienced data analyst and statistician",
        Intent::Reasoning => "a meticulous logician who checks every inference",
        Intent::Summarization => "a professional editor who condenses text without losing meaning",
        Intent::Translation => {
            "a professional translator and native speaker of the target language"
        }
        Intent::Conversation => "a warm, thoughtful conversation partner",
        Intent::TaskPlanning => "an experienced project manager",
        Intent::ProblemSolving => "a seasoned troubleshooter who finds root causes",
    }
}
