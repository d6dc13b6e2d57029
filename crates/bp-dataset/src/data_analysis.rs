//! data_analysis: interpreting data, statistics, trends, A/B tests, forecasts. Numbers are
//! drawn from tables whose ranges keep them plausible (conversions below visitors, a series
//! with one obvious outlier when outliers are asked about).

use super::grammar::Family;

pub(super) const FAMILY: Family = Family {
    simple: &[
        "{hi}what's the trend in {series_label}: {series}?{thx}",
        "{hi}{pls}calculate {stat} of {series}.{thx}",
        "{hi}{how_q} analyse {da_data}{da_tool}?{thx}",
        "{hi}{sig_q}{thx}",
        "{hi}{chart_q} {da_data}{da_tool}?{thx}",
        "{hi}{corr_q}{thx}",
        "{hi}are there any outliers in {series_outlier}?{thx}",
        "{hi}{pls}describe the distribution of {series}.{thx}",
    ],
    moderate: &[
        "{hi}I have {da_data} in a spreadsheet with columns for {cols}. Which metrics should I look at to understand {da_goal}, and what chart would you use for each?{close}",
        "{hi}here are our weekly sign-ups for the last eight weeks: {v}, {v}, {v}, {v}, {v}, {v}, {v} and {v}. Is growth slowing down? Please calculate the week-over-week change and tell me whether the last {n_2_3} weeks look unusual.{close}",
        "{hi}we ran an A/B test on {ab_feature}: A converted {conv_a} of {visitors} visitors and B converted {conv_b} of {visitors_b}. Is B really better? Show which test you used and the p-value.{close}",
        "{hi}interpret this regression for a non-statistician: the coefficient on {reg_var} is {coef}, its p-value is {pval}, and R-squared is {r2}. What does that mean in practice, and what should I be careful about?{close}",
        "{hi}{pls}look at {da_data} and suggest {n_2_3} things worth investigating. I mostly care about {da_goal}, and I can share the data as a CSV file.{close}",
        "{hi}compare these two groups and tell me whether the difference matters: group A scored {series} and group B scored {series_b}. Which test fits such small samples?{close}",
    ],
    complex: &[
        "{lead}We ran an A/B test on {ab_feature} for {n_weeks} weeks. Variant A had {visitors} visitors and {conv_a} conversions; variant B had {visitors_b} visitors and {conv_b} conversions. Decide whether the difference is statistically significant, check for a sample ratio mismatch and novelty effects, estimate the effect size with a 95% confidence interval, break the result down by {segment}, and recommend whether to ship B. State every assumption you make.{fmt}{close}",
        "{lead}I'm analysing {da_data} to understand {da_goal}. Walk me through a full analysis plan: cleaning (missing values, duplicates, outliers), exploratory charts, the statistical tests or models you'd use and why, how to control for {confounder}, and how to present the findings to {audience} in {n_small} slides. Point out where the data could mislead us.{fmt}{close}",
        "{lead}Here are last quarter's and this quarter's sales (in thousands) for our regions: North {v} to {v}, South {v} to {v}, East {v} to {v}, West {v} to {v}, Central {v} to {v}. Compute each region's growth rate, flag any region more than two standard deviations from the mean, offer {n_2_3} plausible explanations for the outliers, and say what extra data would confirm them. Present a table followed by a short summary for {audience}.{fmt}{close}",
        "{lead}Using {da_data}, build a forecast for the next {n_months} months. Compare a seasonal naive baseline with exponential smoothing and a regression on {driver}, evaluate them on a hold-out period, report the MAPE of each, explain which one you'd trust and why, and list the risks that could make the forecast wrong, such as {risk}.{fmt}{close}",
        "{lead}We surveyed {n_people} customers of {business} on a 1-to-5 scale about {survey_topics}, plus one free-text question. Explain how to clean the responses, which summaries and charts suit Likert data (and why plain averages can mislead), how to test whether {segment} answer differently, how to code the free text into themes, and how to present the three most important findings to {audience}.{fmt}{close}",
    ],
    slots: &[
        ("how_q", HOW_Q),
        ("chart_q", CHART_Q),
        ("sig_q", SIG_Q),
        ("v", V),
        ("series", SERIES),
        ("series_b", SERIES),
        ("series_outlier", SERIES_OUTLIER),
        ("outlier", OUTLIER),
        ("series_label", SERIES_LABEL),
        ("stat", STAT),
        ("da_data", DA_DATA),
        ("rate_a", RATE_A),
        ("rate_b", RATE_B),
        ("visitors", VISITORS),
        ("visitors_b", VISITORS),
        ("conv_a", CONVERSIONS),
        ("conv_b", CONVERSIONS),
        ("corr", CORR),
        ("var_pair", VAR_PAIR),
        ("cols", COLS),
        ("da_goal", DA_GOAL),
        ("ab_feature", AB_FEATURE),
        ("reg_var", REG_VAR),
        ("coef", COEF),
        ("pval", PVAL),
        ("r2", R2),
        ("segment", SEGMENT),
        ("confounder", CONFOUNDER),
        ("driver", DRIVER),
        ("risk", RISK),
        ("survey_topics", SURVEY_TOPICS),
        ("da_tool", DA_TOOL),
        ("corr_q", CORR_Q),
    ],
};

/// Values of a series: near one another, so trends and spreads look like real data.
const V: &[&str] = &[
    "96", "101", "104", "108", "112", "115", "117", "120", "123", "126", "128", "131", "134",
    "137", "139", "142", "145", "149", "152", "158", "163", "170",
];

const SERIES: &[&str] = &["{v}, {v}, {v}, {v}, {v}", "{v}, {v}, {v}, {v}, {v}, {v}"];
const SERIES_OUTLIER: &[&str] = &[
    "{v}, {v}, {outlier}, {v}, {v}",
    "{v}, {v}, {v}, {v}, {outlier}, {v}",
    "{outlier}, {v}, {v}, {v}",
];
const OUTLIER: &[&str] = &["12", "388", "415", "902", "7"];

const SERIES_LABEL: &[&str] = &[
    "these monthly sales figures",
    "these weekly sign-ups",
    "these daily visitor counts",
    "these quarterly profits in thousands",
    "my weekly grocery bills",
    "our monthly support tickets",
    "these average delivery times in minutes",
];

const STAT: &[&str] = &[
    "the mean, median and mode",
    "the standard deviation",
    "the interquartile range",
    "the mean and standard deviation",
    "the 90th percentile",
    "a 95% confidence interval for the mean",
];

const DA_DATA: &[&str] = &[
    "our monthly sales for the past two years",
    "website traffic by channel over {n_weeks} weeks",
    "customer churn by subscription plan",
    "survey responses from {n_people} employees",
    "hourly temperature readings from a greenhouse",
    "delivery times for {n_rows} orders",
    "daily step counts from my fitness tracker",
    "support tickets by category and priority",
    "exam scores for two classes",
    "our office's energy use by hour",
    "house prices in {city} over ten years",
    "app ratings before and after our redesign",
    "restaurant orders by weekday and dish",
    "{n_rows} card transactions",
    "clinic waiting times by weekday",
    "bike-share trips by station and hour",
    "sensor data from {n_people} delivery vans",
    "ticket sales for our last {n_people} concerts",
    "our newsletter open rates by subject line",
    "hospital admissions by month and ward",
    "crop yields by field and fertiliser",
    "commute times reported by {n_people} staff",
    "our shop's footfall by hour",
    "monthly electricity bills for three years",
    "player statistics for a football season",
    "complaints by product and region",
    "air-quality readings from {n_people} sensors",
    "average order value by customer age",
    "reading scores before and after a tutoring programme",
    "our app's crash reports by version",
];

const RATE_A: &[&str] = &["2.1", "3.4", "4.0", "5.5", "8.2", "11.0"];
const RATE_B: &[&str] = &["2.6", "3.9", "4.8", "6.1", "8.9", "12.3"];
const VISITORS: &[&str] = &[
    "4,812", "5,230", "6,104", "7,455", "9,870", "12,400", "15,020", "20,310",
];
/// Always fewer than the smallest visitor count above.
const CONVERSIONS: &[&str] = &["188", "212", "247", "301", "356", "410", "468", "523"];

const DA_TOOL: &[&str] = &[
    "",
    "",
    "",
    " in Excel",
    " in Python",
    " with pandas",
    " in Google Sheets",
    " without coding",
    " in R",
];

const CORR_Q: &[&str] = &[
    "what does a correlation of {corr} between {var_pair} tell me?",
    "how strong is a correlation of {corr} between {var_pair}?",
    "is a correlation of {corr} between {var_pair} worth acting on?",
    "how should I read a correlation of {corr} between {var_pair}?",
    "does a correlation of {corr} between {var_pair} mean one causes the other?",
];

const HOW_Q: &[&str] = &[
    "how should I",
    "what's the best way to",
    "how would you",
    "where do I start if I want to",
];

const CHART_Q: &[&str] = &[
    "what chart best shows",
    "which chart would you use for",
    "how should I visualise",
    "what's a good way to plot",
];

const SIG_Q: &[&str] = &[
    "is {rate_a}% versus {rate_b}% conversion a significant difference with {visitors} users per group?",
    "with {visitors} users in each group, is {rate_a}% vs {rate_b}% conversion significant?",
    "are conversion rates of {rate_a}% and {rate_b}% really different if each group had {visitors} users?",
];

const CORR: &[&str] = &["0.8", "-0.3", "0.05", "0.62", "-0.91", "0.4", "-0.55"];

const VAR_PAIR: &[&str] = &[
    "ad spend and sales",
    "temperature and ice-cream sales",
    "study hours and exam scores",
    "screen time and sleep",
    "price and rating",
    "age and income",
    "coffee intake and productivity",
    "rainfall and bike rentals",
    "team size and delivery speed",
    "sleep and mood scores",
    "distance from the city centre and rent",
    "discounts and repeat purchases",
    "class size and test results",
    "app usage and churn",
    "temperature and energy use",
];

const COLS: &[&str] = &[
    "date, category, amount and region",
    "customer id, plan, start date and end date",
    "store, product, units and price",
    "date, channel, visits and purchases",
    "ticket id, opened, closed and priority",
    "week, campaign, spend and leads",
];

const DA_GOAL: &[&str] = &[
    "what drives repeat purchases",
    "why revenue dipped in {month}",
    "which customers are most likely to leave",
    "whether our price change helped",
    "seasonal patterns",
    "where we lose the most time",
    "which channel is worth the money",
    "what predicts late deliveries",
];

const AB_FEATURE: &[&str] = &[
    "a new checkout button",
    "a shorter sign-up form",
    "free-shipping messaging",
    "a redesigned pricing page",
    "personalised recommendations",
    "a new onboarding email",
    "a cheaper annual plan",
];

const REG_VAR: &[&str] = &[
    "advertising spend",
    "years of experience",
    "house size in square metres",
    "discount rate",
    "team size",
];
const COEF: &[&str] = &["0.42", "1.8", "-0.07", "12.5", "3.1"];
const PVAL: &[&str] = &["0.003", "0.04", "0.21", "0.6", "0.0001"];
const R2: &[&str] = &["0.12", "0.35", "0.58", "0.81"];

const SEGMENT: &[&str] = &[
    "device type",
    "new versus returning customers",
    "country",
    "traffic source",
    "age group",
    "customers on different plans",
];

const CONFOUNDER: &[&str] = &[
    "seasonality",
    "a price change in the middle of the period",
    "regional differences",
    "marketing campaigns",
];

const DRIVER: &[&str] = &[
    "marketing spend",
    "the number of working days",
    "average temperature",
    "web traffic",
];

const RISK: &[&str] = &[
    "a competitor's launch",
    "a supply shortage",
    "an unusually warm winter",
    "a change in tax rules",
];

const SURVEY_TOPICS: &[&str] = &[
    "price, service and waiting times",
    "product quality and delivery",
    "staff friendliness and cleanliness",
    "ease of booking and value for money",
];
