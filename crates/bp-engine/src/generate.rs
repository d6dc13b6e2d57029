//! Prompt generation: each technique rewrites the prompt in its own way, composed in a fixed
//! order that reads naturally (who to be → why it matters → context → the task itself →
//! examples → how to think → limits → output format).
//!
//! The user's text is inserted verbatim and never edited. Every template is a complete
//! sentence with no placeholders left to fill, so the output has no template artefacts.

mod roles;

use crate::lexicon::ClassifiedWords;
use bp_api::{Complexity, Intent, Technique};

/// Everything generation needs about one prompt.
pub struct GenerationInput<'a> {
    pub text: &'a str,
    pub lower: &'a str,
    pub words: &'a ClassifiedWords<'a>,
    pub context: Option<&'a str>,
    pub intent: Intent,
    pub complexity: Complexity,
    pub techniques: &'a [Technique],
}

/// Rewrites the prompt with the selected techniques.
pub fn generate(input: &GenerationInput<'_>) -> String {
    let has = |t: Technique| input.techniques.contains(&t);
    let mut out =
        String::with_capacity(input.text.len() + input.context.map_or(0, str::len) + 1024);
    let section = |out: &mut String, s: &str| {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(s);
    };

    if has(Technique::RolePlay) {
        section(&mut out, "You are ");
        out.push_str(roles::role_for(input.words, input.intent));
        out.push('.');
    }
    if has(Technique::EmotionalAppeal) {
        section(
            &mut out,
            match input.complexity {
                Complexity::Simple => "This matters to me, so please take care to get it right.",
                _ => {
                    "This is important to my work and I would really value a careful, thoughtful answer."
                }
            },
        );
    }
    if let Some(context) = input.context.filter(|c| !c.trim().is_empty()) {
        section(&mut out, "Context:\n");
        out.push_str(context);
    }
    section(&mut out, "Task:\n");
    out.push_str(input.text);

    if has(Technique::FewShot) {
        let (two, third) = few_shot(input.intent);
        section(&mut out, two);
        if input.complexity == Complexity::Complex {
            out.push_str(third);
        }
    }
    if has(Technique::Analogical) {
        section(
            &mut out,
            "Explain the key idea with an analogy to something familiar from everyday life, then map the analogy back to the real subject and say where it stops holding.",
        );
    }
    if has(Technique::ChainOfThought) {
        section(&mut out, chain_of_thought(input.complexity));
    }
    if has(Technique::TreeOfThoughts) {
        section(&mut out, tree_of_thoughts(input.complexity));
    }
    if has(Technique::StepByStep) {
        section(&mut out, step_by_step(input.complexity));
    }
    if has(Technique::React) {
        section(
            &mut out,
            "Work in Thought / Action / Observation cycles:\nThought: what you need to find out or decide next.\nAction: the lookup, tool, test or check you would use for it.\nObservation: what that action showed.\nRepeat the cycle until you can answer, then write \"Final answer:\" followed by the answer.",
        );
    }
    if has(Technique::SelfConsistency) {
        section(
            &mut out,
            match input.complexity {
                Complexity::Complex => {
                    "Solve this in five independent ways. Compare the results, give the answer most of them agree on, and say how confident you are and why any of them disagreed."
                }
                _ => {
                    "Solve this in three independent ways. Compare the results and give the answer most of them agree on, with a note on how confident you are."
                }
            },
        );
    }
    if has(Technique::Constraints) {
        section(&mut out, "Constraints:\n- ");
        out.push_str(match input.complexity {
            Complexity::Simple => "Keep the answer under 150 words.",
            Complexity::Moderate => "Keep the answer under 400 words.",
            Complexity::Complex => {
                "Be thorough but stay focused; use headings so the answer is easy to navigate."
            }
        });
        out.push_str("\n- ");
        out.push_str(intent_constraint(input.intent));
        out.push_str("\n- State any assumption you make instead of guessing silently.");
    }
    if has(Technique::StructuredOutput) {
        section(&mut out, structured_output(input.intent, input.lower));
    }
    if has(Technique::ZeroShot) {
        section(&mut out, "Answer directly and clearly, without preamble.");
    }
    out
}

/// Two examples fitted to the task type, and a third that complex prompts also get.
fn few_shot(intent: Intent) -> (&'static str, &'static str) {
    use Intent::*;
    let (two, three) = match intent {
        QuestionAnswering => (
            "Examples of good answers:\nQ: Why is the sky blue?\nA: Sunlight scatters off air molecules, and blue light scatters most because of its short wavelength, so blue reaches our eyes from every direction.\nQ: What does a mortgage broker do?\nA: A broker compares loans from many lenders, helps with the application, and is paid a fee or a lender commission.",
            "\nQ: How do vaccines train the immune system?\nA: They present a harmless piece or copy of a pathogen so the body builds antibodies and memory cells; a later real infection then meets a prepared defence.",
        ),
        CreativeWriting => (
            "Examples of the style wanted:\nRequest: a two-line poem about rain.\nPiece: The roof drums soft its silver code; / the gutters hum the whole way home.\nRequest: a slogan for a bakery.\nPiece: Warm from our hands to yours, every morning.",
            "\nRequest: the opening line of a mystery.\nPiece: The clock in the hallway had stopped at 3:12, and nobody in the house would admit to having touched it.",
        ),
        CodeGeneration => (
            "Examples of the expected shape:\nRequest: return the largest number in a list.\nAnswer: a short, idiomatic function with a one-line doc comment, handling the empty list explicitly, followed by one usage example.\nRequest: validate an email address.\nAnswer: the function, the reasoning behind what it accepts and rejects, and three test cases.",
            "\nRequest: add retries to an HTTP call.\nAnswer: the changed code, why the retry policy was chosen (backoff, limits, which errors retry), and a test that simulates a failure.",
        ),
        DataAnalysis => (
            "Examples of good analyses:\nData: monthly sales 120, 135, 150, 149.\nAnalysis: growth of about 12 % a month that flattened in the last month; check whether that is seasonal before reading it as a trend.\nData: conversion 4.1 % (A) vs 4.6 % (B), 5 000 users each.\nAnalysis: B is ahead by 0.5 points; a two-proportion test gives p ≈ 0.22, so the difference is not yet significant.",
            "\nData: churn by signup cohort.\nAnalysis: compare retention curves per cohort, point out where they diverge, and name the product change that coincides with it.",
        ),
        Reasoning => (
            "Examples of sound reasoning:\nPuzzle: all bloops are razzies and all razzies are lazzies; are all bloops lazzies?\nReasoning: bloops ⊂ razzies ⊂ lazzies, so yes.\nPuzzle: a bat and a ball cost 1.10 and the bat costs 1.00 more than the ball.\nReasoning: ball = x, bat = x + 1.00, so 2x + 1.00 = 1.10 and the ball costs 0.05.",
            "\nPuzzle: how many piano tuners work in a city of a million?\nReasoning: estimate households, pianos per household, tunings per year and tunings per tuner, then divide, stating each assumption.",
        ),
        Summarization => (
            "Examples of good summaries:\nText: a three-page product announcement.\nSummary: one sentence on what launched, one on who it is for, one on when it is available.\nText: a long email thread about a delayed release.\nSummary: the decision taken, who owns the next step and the new date.",
            "\nText: a research paper.\nSummary: the question, the method, the main result with its size, and the main limitation.",
        ),
        Translation => (
            "Examples of the expected translation quality:\nSource (English): \"It's raining cats and dogs.\"\nTranslation (French): \"Il pleut des cordes.\" (an equivalent idiom, not a literal rendering)\nSource (English): \"Please find the invoice attached.\"\nTranslation (German): \"Anbei finden Sie die Rechnung.\" (formal register kept)",
            "\nSource (Spanish): \"Me tomas el pelo.\"\nTranslation (English): \"You're pulling my leg.\" (idiom for idiom)",
        ),
        Conversation => (
            "Examples of the tone wanted:\nUser: I finally finished my first marathon!\nReply: Congratulations, that is a huge achievement! How are your legs feeling today?\nUser: I can't decide what to cook tonight.\nReply: What do you have in the fridge? Tell me and we can pick something quick together.",
            "\nUser: Work has been rough this week.\nReply: I'm sorry it has been a hard week. Do you want to talk about what made it rough, or would a distraction help more?",
        ),
        TaskPlanning => (
            "Examples of good plans:\nGoal: move house in four weeks.\nPlan: week 1 declutter and book movers; week 2 pack rarely used rooms; week 3 change addresses and utilities; week 4 pack the rest and clean.\nGoal: learn basic Spanish in three months.\nPlan: daily 20-minute vocabulary, two lessons a week, a conversation partner from month two, a short test at the end of each month.",
            "\nGoal: launch a product in one quarter.\nPlan: milestones per month, owners per workstream, the critical path, and the risks with a mitigation each.",
        ),
        ProblemSolving => (
            "Examples of good troubleshooting:\nProblem: the laptop's wifi drops every few minutes.\nSolution: check whether other devices drop too (router vs laptop), update the adapter driver, disable power saving on the adapter, then change the router channel.\nProblem: two teammates disagree on a deadline.\nSolution: list what each needs, find the real constraint, propose a scope cut or a staged delivery, and agree on a decision owner.",
            "\nProblem: the monthly cloud bill doubled.\nSolution: break the bill down by service, find the spike's start date, match it to deployments, fix the cause and add a budget alert.",
        ),
    };
    (two, three)
}

fn chain_of_thought(complexity: Complexity) -> &'static str {
    match complexity {
        Complexity::Simple => "Think the question through briefly before giving your answer.",
        Complexity::Moderate => {
            "Before answering, reason it through:\n1. Restate what is being asked.\n2. Work out the key facts or steps.\n3. Draw the conclusion from them and give the answer."
        }
        Complexity::Complex => {
            "Before answering, reason it through explicitly:\n1. Restate the problem and what a good answer must achieve.\n2. List the facts, constraints and assumptions.\n3. Break the problem into parts and work through each.\n4. Combine the parts into a conclusion.\n5. Check the conclusion against the constraints, then give the answer."
        }
    }
}

fn tree_of_thoughts(complexity: Complexity) -> &'static str {
    match complexity {
        Complexity::Complex => {
            "Explore three distinct approaches. For each, outline the idea, its strengths and its risks. Evaluate them against each other, discard the weakest, develop the most promising one fully, and explain why it won."
        }
        _ => {
            "Consider two different approaches, weigh their strengths and weaknesses, then develop the better one and say why you chose it."
        }
    }
}

fn step_by_step(complexity: Complexity) -> &'static str {
    match complexity {
        Complexity::Simple => "Work through it step by step, numbering the steps.",
        Complexity::Moderate => {
            "Work through it step by step, numbering the steps and saying what each one achieves."
        }
        Complexity::Complex => {
            "Work through it step by step: number the steps, group them into phases, say what each achieves, and check each step's result before moving on."
        }
    }
}

fn intent_constraint(intent: Intent) -> &'static str {
    use Intent::*;
    match intent {
        QuestionAnswering => {
            "Stick to well-established facts and say where the evidence is uncertain."
        }
        CreativeWriting => "Keep the voice consistent, show rather than tell, and avoid clichés.",
        CodeGeneration => {
            "Write idiomatic, working code, handle errors, and avoid dependencies that are not needed."
        }
        DataAnalysis => {
            "Base every claim on the data given, and separate correlation from causation."
        }
        Reasoning => "Make every step follow from the previous ones; do not skip inferences.",
        Summarization => "Do not add facts that are not in the source, and keep its proportions.",
        Translation => {
            "Preserve meaning, tone, register and formatting; do not add or omit information."
        }
        Conversation => "Keep a warm, natural tone and stay on what the user cares about.",
        TaskPlanning => "Make every step concrete and ordered, with a realistic duration.",
        ProblemSolving => "Prefer fixes that are safe and reversible, cheapest to try first.",
    }
}

fn structured_output(intent: Intent, lower: &str) -> &'static str {
    use Intent::*;
    if lower.contains("json") {
        return "Format: return valid JSON only, with descriptive keys and no text outside the JSON.";
    }
    if lower.contains("table") {
        return "Format: present the result as a Markdown table with a header row, followed by one sentence on what it shows.";
    }
    match intent {
        QuestionAnswering => {
            "Format: the direct answer in the first sentence, then supporting details as bullet points."
        }
        CreativeWriting => "Format: a title on its own line, then the piece itself.",
        CodeGeneration => {
            "Format: the code in one fenced code block, then a short explanation, then how to run or test it."
        }
        DataAnalysis => {
            "Format: sections Summary, Method, Findings (use a table where numbers are compared) and Caveats."
        }
        Reasoning => "Format: sections Assumptions, Reasoning and Conclusion.",
        Summarization => {
            "Format: a one-sentence TL;DR, then the key points as bullets, then any action items."
        }
        Translation => {
            "Format: the translation first, then notes on idioms or choices that needed judgement."
        }
        Conversation => "Format: a natural reply in a few short paragraphs.",
        TaskPlanning => {
            "Format: a table with the columns Step, Owner, Duration, Depends on and Done when."
        }
        ProblemSolving => {
            "Format: sections Likely causes (most likely first), Fixes to try in order, and How to verify the fix."
        }
    }
}
