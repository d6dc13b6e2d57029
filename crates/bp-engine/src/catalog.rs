//! Human-readable names and descriptions of the techniques, for `GET /techniques` and docs.

use bp_api::Technique;

/// (display name, what it does to a prompt)
pub fn describe(technique: Technique) -> (&'static str, &'static str) {
    match technique {
        Technique::ChainOfThought => (
            "Chain of thought",
            "Asks for explicit reasoning before the answer, with a scaffold sized by the prompt's complexity.",
        ),
        Technique::TreeOfThoughts => (
            "Tree of thoughts",
            "Asks to explore several approaches, weigh them and develop the most promising one.",
        ),
        Technique::FewShot => (
            "Few-shot",
            "Adds worked examples fitted to the task type to show the expected answer.",
        ),
        Technique::ZeroShot => (
            "Zero-shot",
            "Asks for a direct answer without examples or scaffolding.",
        ),
        Technique::RolePlay => (
            "Role play",
            "Sets a fitting expert role, chosen from the prompt's domain and intent.",
        ),
        Technique::StepByStep => (
            "Step by step",
            "Asks for numbered steps, grouped into phases for complex prompts.",
        ),
        Technique::StructuredOutput => (
            "Structured output",
            "Demands an output format suited to the task (sections, table, JSON).",
        ),
        Technique::EmotionalAppeal => (
            "Emotional appeal",
            "States why the answer matters, which tends to raise care and effort.",
        ),
        Technique::Constraints => (
            "Constraints",
            "Adds limits on length, scope and quality specific to the task.",
        ),
        Technique::Analogical => (
            "Analogical",
            "Asks to explain through an everyday analogy and where it stops holding.",
        ),
        Technique::SelfConsistency => (
            "Self-consistency",
            "Asks to solve independently several times and report the majority answer.",
        ),
        Technique::React => (
            "ReAct",
            "Lays out Thought / Action / Observation cycles ending in a final answer.",
        ),
    }
}
