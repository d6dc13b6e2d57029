//! Role play picks a role that fits the prompt: a domain named in the prompt wins over the
//! intent's default, because "a physician" helps a medical question more than "an expert".

use crate::lexicon::{ClassifiedWords, DOMAIN_ROLES};
use bp_api::Intent;

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
