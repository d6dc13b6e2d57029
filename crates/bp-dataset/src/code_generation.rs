//! code_generation: write, fix, refactor or convert code, SQL, regexes and scripts. Some
//! moderate and complex rows carry a short fenced snippet with newlines (and a tab, quotes
//! and backslashes), which is what exercises the JSON escaping downstream.
//!
//! A snippet and the sentence that introduces it are one entry, so the language named in
//! the request always matches the code shown.

use super::grammar::Family;

pub(super) const FAMILY: Family = Family {
    simple: &[
        "{hi}{pls}{make_code} {code_task} in {plang}.{thx}",
        "{hi}I need {code_task} in {plang}{code_tail}.{thx}",
        "{hi}{pls}{make_code} a {sql_dialect} query that {sql_task}.{thx}",
        "{hi}{regex_ask} a regex that matches {regex_target}{regex_tail}.{thx}",
        "{hi}{pls}{convert_verb} {one_liner}{convert_tail}",
        "{hi}{pls}{make_code} a {shell} one-liner that {shell_task}.{thx}",
        "{hi}how would I write {code_task} in {plang}?{thx}",
    ],
    moderate: &[
        "{hi}write {code_task} in {plang}. It should {code_req_a} and {code_req_b}.{close}",
        "{hi}{pls}{fix_verb} {fix_snippet}\n{after_fix}{close}",
        "{hi}{pls}{refactor_verb} {refactor_snippet}\n{after_fix}{close}",
        "{hi}write a {sql_dialect} query that {sql_task}. Assume sensible table and column names and list them first, and {sql_req}.{close}",
        "{hi}I'm building {app_kind} in {plang}. Write {code_task} that I can drop into it; it should {code_req_a}, and please {code_req_c}.{close}",
        "{hi}write a regex that matches {regex_target} in {plang}, with {n_small} examples that should match and {n_small} that shouldn't, and explain each part of the pattern.{close}",
    ],
    complex: &[
        "{lead}Build {code_system} in {plang}. Requirements: {sys_req_a}; {sys_req_b}; {sys_req_c}. It must {code_req_a} and {code_req_b}. Include unit tests for the edge cases, and explain the main design trade-off ({tradeoff}) in a short comment at the top of the file.{fmt}{close}",
        "{lead}Port {legacy_snippet}\nto idiomatic {plang_modern}. Keep the public behaviour identical, replace silent failures with proper error handling, write {n_small} tests that pin the current behaviour before you change anything, avoid new dependencies, and list every behaviour change you had to make, with the reason.{fmt}{close}",
        "{lead}Write {sql_dialect} SQL for a reporting dashboard at {business}: (1) monthly revenue with month-over-month growth, (2) the top {n_code} products in each category, and (3) customers who bought once and never came back. Use CTEs, avoid correlated subqueries, suggest indexes so it stays fast on {n_rows} rows, and explain each query in a comment.{fmt}{close}",
        "{lead}Design and implement a REST API in {plang} for {api_domain}. It needs create, list, update and delete endpoints, pagination on the list endpoint, input validation with clear error messages, and API-key authentication. Keep storage behind an interface so we can swap {store_a} for {store_b} later, write tests for the handlers, and document the endpoints in a short table.{fmt}{close}",
        "{lead}Please fix {fix_snippet}\nThen write {n_small} unit tests that would have caught the bug, explain the root cause in two sentences, check the rest of the code for similar problems, and suggest how our code review could catch this class of bug in future. Keep the interface unchanged and {code_req_c}.{fmt}{close}",
    ],
    slots: &[
        ("fix_verb", FIX_VERB),
        ("refactor_verb", REFACTOR_VERB),
        ("make_code", MAKE_CODE),
        ("regex_ask", REGEX_ASK),
        ("convert_verb", CONVERT_VERB),
        ("code_task", CODE_TASK),
        ("code_tail", CODE_TAIL),
        ("regex_tail", REGEX_TAIL),
        ("convert_tail", CONVERT_TAIL),
        ("var", VAR),
        ("sql_task", SQL_TASK),
        ("sql_dialect", SQL_DIALECT),
        ("sql_req", SQL_REQ),
        ("regex_target", REGEX_TARGET),
        ("one_liner", ONE_LINER),
        ("shell", SHELL),
        ("shell_task", SHELL_TASK),
        ("code_req_a", CODE_REQ_A),
        ("code_req_b", CODE_REQ_B),
        ("code_req_c", CODE_REQ_C),
        ("fix_snippet", FIX_SNIPPET),
        ("refactor_snippet", REFACTOR_SNIPPET),
        ("after_fix", AFTER_FIX),
        ("app_kind", APP_KIND),
        ("code_system", CODE_SYSTEM),
        ("sys_req_a", SYS_REQ_A),
        ("sys_req_b", SYS_REQ_B),
        ("sys_req_c", SYS_REQ_C),
        ("tradeoff", TRADEOFF),
        ("legacy_snippet", LEGACY_SNIPPET),
        ("plang_modern", PLANG_MODERN),
        ("api_domain", API_DOMAIN),
        ("store_a", STORE_A),
        ("store_b", STORE_B),
        ("n_code", N_CODE),
    ],
};

const CODE_TASK: &[&str] = &[
    "a function that checks whether a string is a palindrome",
    "a function that merges two sorted lists",
    "a function that returns the nth Fibonacci number",
    "a function that removes duplicates from a list while keeping the order",
    "a function that validates an email address",
    "a function that converts Roman numerals to integers",
    "a function that flattens a nested list",
    "a function that counts word frequencies in a text",
    "a function that checks whether two strings are anagrams",
    "a function that rotates a square matrix by 90 degrees",
    "a function that finds the longest common prefix of a list of strings",
    "a function that splits a list into chunks of {n_code}",
    "a binary search function",
    "a function that parses a duration like '1h30m' into seconds",
    "a function that turns a blog post title into a URL slug",
    "a function that computes the Levenshtein distance between two strings",
    "a function that generates a random password of a given length",
    "a function that checks whether a year is a leap year",
    "a function that formats a byte count as KB, MB or GB",
    "a function that reverses the words in a sentence",
    "a function that finds the median of a list",
    "a function that groups records by a key",
    "a function that retries a call with exponential backoff",
    "a stack with push, pop and peek",
    "a small LRU cache",
    "a queue built from two stacks",
    "a rate limiter using the token bucket algorithm",
    "a script that renames every file in a folder to lower case",
    "a script that backs up a directory into a dated zip file",
    "a command-line tool that counts lines of code per file extension",
    "a tiny HTTP server that returns the current time as JSON",
    "a function that converts a date string to ISO 8601",
    "a terminal tic-tac-toe game",
    "a function that detects a cycle in a linked list",
    "a function that masks all but the last four digits of a card number",
    "a function that merges overlapping intervals",
    "a trie with insert and search",
    "a function that shuffles an array in place",
    "a function that pretty-prints a JSON string",
    "a function that reads a CSV file into a list of records",
    "a function that converts snake_case to camelCase",
    "a function that validates a credit card number with the Luhn check",
    "a function that finds the most frequent element in a list",
    "a function that pads a string to a fixed width",
    "a function that checks whether brackets in a string are balanced",
    "a function that calculates the distance between two GPS coordinates",
    "a function that parses a query string into a map",
    "a function that counts vowels in a string",
    "a function that transposes a matrix",
    "a function that returns all permutations of a string",
    "a function that sorts a list of people by age and then name",
    "a function that converts a number to words",
    "a function that finds prime numbers below n",
    "a function that deep-merges two dictionaries",
    "a function that rounds a price to two decimals",
    "a function that computes a running average",
    "a function that truncates text to a word boundary",
    "a function that checks whether a number is a power of two",
    "a priority queue",
    "a min-heap",
];

const CODE_TAIL: &[&str] = &[
    "",
    "",
    " with comments",
    " using only the standard library",
    " with a couple of tests",
];

const REGEX_TAIL: &[&str] = &[
    "",
    "",
    " in {plang}",
    ", with a short explanation",
    " that works in {plang}",
    ", plus two test strings",
    ", as simple as possible",
];

const CONVERT_TAIL: &[&str] = &[
    "",
    "",
    "\nKeep it idiomatic.",
    "\nThanks!",
    "\nOne line if possible.",
    "\nAnd explain the difference briefly.",
];

/// Variable names for the one-liners.
const VAR: &[&str] = &["data", "values", "prices", "scores", "items", "rows"];

const SQL_TASK: &[&str] = &[
    "returns the top {n_code} customers by total spend",
    "finds duplicate email addresses in a users table",
    "counts orders per month for the last year",
    "lists employees who earn more than their manager",
    "deletes sessions older than 30 days",
    "returns each product's best-selling month",
    "shows customers who have never placed an order",
    "calculates a 7-day rolling average of daily signups",
    "finds the second-highest salary in each department",
    "ranks students by score within each class",
    "returns the average basket size per weekday",
    "finds users who logged in three days in a row",
    "lists products that were never ordered",
    "counts active users per country",
    "finds orders placed on weekends",
    "returns the latest order for each customer",
    "calculates the median delivery time",
    "lists the cities with more than 100 customers",
    "finds customers whose spend dropped this month",
    "pivots monthly sales into columns",
    "finds the busiest hour of the day for orders",
    "lists employees hired in the last 90 days",
    "counts how many users signed up through each referral code",
    "finds the top three products by revenue in each region",
    "removes duplicate rows but keeps the newest",
    "lists customers with overdue invoices",
    "calculates each salesperson's share of total sales",
    "finds gaps in a sequence of invoice numbers",
    "returns orders with more than five items",
    "shows month-over-month revenue growth",
];

const SQL_DIALECT: &[&str] = &["PostgreSQL", "MySQL", "SQLite", "SQL Server"];

const SQL_REQ: &[&str] = &[
    "explain each join in a comment",
    "avoid subqueries where a join will do",
    "make it safe to run on a large table",
    "handle NULL values explicitly",
];

const REGEX_TARGET: &[&str] = &[
    "a UK postcode",
    "a US phone number",
    "an ISO date like 2024-05-31",
    "a hex colour code",
    "an IPv4 address",
    "a semantic version like 1.4.2",
    "a hashtag",
    "a 24-hour time like 18:45",
    "a URL slug",
    "an email address",
    "a price with an optional currency symbol",
    "a Windows file path like C:\\Users\\me\\notes.txt",
    "a strong password",
    "a German licence plate",
    "a MAC address",
    "a YouTube video URL",
    "a credit card number",
    "a Twitter handle",
    "a time like 9:30 am",
    "a UUID",
    "a Canadian postcode",
    "a date like 31/12/2024",
    "a word that repeats twice in a row",
    "an HTML tag",
    "a US ZIP code with an optional +4",
    "a number with thousands separators",
    "a French phone number",
    "a markdown link",
    "a file name ending in .csv or .tsv",
];

/// One-liners with their source and target language, so the pair always makes sense.
const ONE_LINER: &[&str] = &[
    "this Python to JavaScript: `total = sum(x * 2 for x in {var})`",
    "this JavaScript to Python: `const names = {var}.map(u => u.name);`",
    "this SQL to a pandas expression: `SELECT city, COUNT(*) FROM {var} GROUP BY city`",
    "this Python to Rust: `evens = [n for n in {var} if n % 2 == 0]`",
    "this Java to Kotlin: `List<String> upper = {var}.stream().map(String::toUpperCase).toList();`",
    "this Bash to PowerShell: `grep -c \"ERROR\" app.log`",
    "this Ruby to Python: `{var}.group_by(&:length)`",
    "this JavaScript to TypeScript: `function area(w, h) { return w * h; }`",
    "this Python to Go: `best = max({var}, key=len)`",
    "this C# to Java: `var top = {var}.OrderBy(x => x).Take(3).ToList();`",
    "this JavaScript to Python: `const unique = [...new Set({var})];`",
    "this Python to JavaScript: `pairs = dict(zip(keys, {var}))`",
    "this Kotlin to Swift: `val total = {var}.sumOf { it.price }`",
    "this shell command to Python: `find . -name \"*.log\" -mtime +7 -delete`",
];

const SHELL: &[&str] = &["Bash", "PowerShell", "zsh", "fish", "POSIX shell"];

const SHELL_TASK: &[&str] = &[
    "finds the ten largest files in a folder",
    "counts unique IP addresses in a log file",
    "deletes empty directories",
    "renames every .jpeg file to .jpg",
    "shows which process is using port 8080",
    "lists files changed in the last 24 hours",
    "replaces tabs with spaces in all text files",
    "counts the lines in every CSV file",
    "finds all TODO comments in a project",
    "shows disk usage per folder, sorted",
    "downloads a file and checks its SHA-256",
    "kills every process named node",
    "compresses every log file older than a week",
    "prints the five most common words in a file",
    "checks whether a website is up",
    "lists the largest Docker images",
    "converts all PNG files in a folder to JPEG",
    "shows the current Git branch and last commit",
    "counts files by extension in a folder",
    "finds duplicate files by checksum",
    "prints my public IP address",
    "tails a log and highlights errors",
    "lists the ten most recently modified files",
    "backs up my home folder to an external drive",
];

const CODE_REQ_A: &[&str] = &[
    "handle empty input gracefully",
    "include type annotations",
    "avoid external libraries",
    "run in linear time",
    "raise a clear error on invalid input",
    "not use recursion",
    "work on very large inputs without loading everything into memory",
];

const CODE_REQ_B: &[&str] = &[
    "come with {n_code} unit tests",
    "include a short doc comment with an example",
    "be easy for a junior developer to read",
    "log what it does at debug level",
    "keep every function under 20 lines",
];

const CODE_REQ_C: &[&str] = &[
    "add comments only where the intent isn't obvious",
    "include a usage example",
    "stick to the standard library",
    "explain any trade-off you made",
];

/// Buggy snippets, each introduced by what is wrong with it.
const FIX_SNIPPET: &[&str] = &[
    "this Python function so it doesn't crash on an empty list:\n```python\ndef average(values):\n    return sum(values) / len(values)\n```",
    "this Python loop, which skips items when it removes them:\n```python\nfor i, item in enumerate(items):\n    if item < 0:\n        items.pop(i)\n```",
    "this SQL query, which returns far too many rows:\n```sql\nSELECT c.name, o.total\nFROM customers c, orders o\nWHERE o.total > 100;\n```",
    "this Rust function so it compiles:\n```rust\nfn longest(a: &str, b: &str) -> &str {\n    if a.len() > b.len() { a } else { b }\n}\n```",
    "this Go function, which ignores the error:\n```go\nfunc load(path string) []byte {\n\tdata, _ := os.ReadFile(path)\n\treturn data\n}\n```",
    "this JavaScript loop, which logs 3 three times:\n```js\nfor (var i = 0; i < 3; i++) {\n  setTimeout(() => console.log(i), 100);\n}\n```",
    "this Python class so the list isn't shared between instances:\n```python\nclass Basket:\n    def __init__(self, items=[]):\n        self.items = items\n```",
    "this Bash loop so it works with file names that contain spaces:\n```bash\nfor f in $(ls *.txt); do\n  wc -l $f\ndone\n```",
    "this Java method, which sometimes throws a NullPointerException:\n```java\nString clean(String s) {\n    return s.trim().toLowerCase();\n}\n```",
    "this Python code so it also matches decimals like 3.14:\n```python\nimport re\nnumbers = re.findall(r\"\\d+\", text)\n```",
    "this C function, which forgets to terminate the copied string:\n```c\nvoid copy(char *dst, const char *src) {\n    while (*src) *dst++ = *src++;\n}\n```",
];

const REFACTOR_SNIPPET: &[&str] = &[
    "this Python loop into a list comprehension:\n```python\nsquares = []\nfor n in numbers:\n    if n % 2 == 0:\n        squares.append(n * n)\n```",
    "these nested ifs into early returns:\n```js\nfunction canEdit(user, doc) {\n  if (user) {\n    if (doc.ownerId === user.id) {\n      return true;\n    }\n  }\n  return false;\n}\n```",
    "this Java switch into something easier to extend:\n```java\nswitch (shape) {\n    case \"circle\": return Math.PI * r * r;\n    case \"square\": return s * s;\n    default: return 0;\n}\n```",
    "this Python function so it is easier to test:\n```python\ndef report():\n    rows = open(\"sales.csv\").read().splitlines()\n    print(len(rows), \"rows\")\n```",
    "this TypeScript so the callbacks become async/await:\n```ts\nfetchUser(id, (user) => {\n  fetchOrders(user, (orders) => {\n    render(orders);\n  });\n});\n```",
    "this Go function to remove the duplicated error handling:\n```go\nif err := a(); err != nil {\n\treturn err\n}\nif err := b(); err != nil {\n\treturn err\n}\n```",
];

const AFTER_FIX: &[&str] = &[
    "Explain what was wrong in one sentence.",
    "Keep the same signature, please.",
    "Show only the corrected code and a one-line explanation.",
    "Please also add a test that would have caught it.",
    "Point out anything else that looks risky.",
    "Keep the change as small as possible.",
    "Explain the fix as if to a junior developer.",
    "I'd like a short note on why the original behaved that way.",
    "Add a comment where the behaviour changed.",
    "Tell me how you would test it.",
    "Don't add new dependencies.",
    "Keep the style consistent with the original.",
];

const APP_KIND: &[&str] = &[
    "a small inventory app",
    "a personal finance tracker",
    "a chat bot for our team",
    "a static blog generator",
    "a weather dashboard",
    "a command-line tool for my team",
    "a REST API for a school project",
    "a plugin for our build system",
];

const CODE_SYSTEM: &[&str] = &[
    "a URL shortener service",
    "a command-line to-do app that stores tasks in a JSON file",
    "a rate-limited HTTP client wrapper",
    "a Markdown-to-HTML converter for headings, lists and links",
    "a job queue with retries and a dead-letter list",
    "an in-memory key-value store with expiry",
    "a CSV importer that validates and deduplicates rows",
    "a small chat server using WebSockets",
    "a file watcher that rebuilds a site when files change",
    "a parser and evaluator for arithmetic expressions",
    "a thread-safe connection pool",
    "a tiny template engine with variables and loops",
    "a bank account module with transfers",
    "a plugin system that loads handlers by name",
];

const SYS_REQ_A: &[&str] = &[
    "support at least {n_people} concurrent users",
    "persist its state across restarts",
    "expose a small public API with clear names",
    "keep memory use bounded",
];

const SYS_REQ_B: &[&str] = &[
    "log every failure with enough context to debug it",
    "reject malformed input with a helpful error message",
    "be safe to use from several threads",
    "be configurable without recompiling",
];

const SYS_REQ_C: &[&str] = &[
    "no dependencies beyond the standard library if possible",
    "no more than about 300 lines",
    "a README section with usage examples",
    "short functions that are easy to test",
];

const TRADEOFF: &[&str] = &[
    "speed versus memory",
    "simplicity versus flexibility",
    "consistency versus availability",
    "eager versus lazy loading",
    "locks versus message passing",
];

/// Legacy code in languages we would port away from; the target list excludes them.
const LEGACY_SNIPPET: &[&str] = &[
    "this PHP function:\n```php\nfunction total($items) {\n    $sum = 0;\n    foreach ($items as $i) { $sum += $i['price'] * $i['qty']; }\n    return $sum;\n}\n```",
    "this Perl script:\n```perl\nwhile (my $line = <STDIN>) {\n    chomp $line;\n    my @f = split /,/, $line;\n    print \"$f[0]\\t$f[2]\\n\" if $f[2] > 100;\n}\n```",
    "this Python 2 code:\n```python\ndef load(path):\n    try:\n        return open(path).read().decode('utf-8')\n    except Exception, e:\n        print \"failed\", e\n```",
    "this jQuery snippet:\n```js\n$('#save').click(function () {\n  $.post('/api/save', $('#form').serialize(), function (r) { alert(r.message); });\n});\n```",
    "this VBScript:\n```vb\nSet fso = CreateObject(\"Scripting.FileSystemObject\")\nIf fso.FileExists(\"C:\\data\\in.txt\") Then WScript.Echo \"found\"\n```",
];

const PLANG_MODERN: &[&str] = &[
    "Python",
    "Rust",
    "TypeScript",
    "Go",
    "Kotlin",
    "C#",
    "modern JavaScript",
];

const API_DOMAIN: &[&str] = &[
    "a library's book loans",
    "a recipe-sharing site",
    "a gym's class bookings",
    "a small company's expense claims",
    "a vet clinic's appointments",
    "a podcast catalogue",
    "a community garden's plot rentals",
];

const STORE_A: &[&str] = &["SQLite", "an in-memory map", "flat JSON files"];
const STORE_B: &[&str] = &["PostgreSQL", "MySQL", "a managed cloud database"];

const N_CODE: &[&str] = &["3", "4", "5", "10"];

/// Verbs for asking for code; each reads well after "please " and before "a …".
const MAKE_CODE: &[&str] = &[
    "write",
    "give me",
    "show me",
    "put together",
    "draft",
    "create",
    "code up",
];

const REGEX_ASK: &[&str] = &["give me", "I need", "write", "please write", "help me with"];

const CONVERT_VERB: &[&str] = &["convert", "translate", "rewrite", "port"];

const FIX_VERB: &[&str] = &["fix", "debug", "correct", "repair"];
const REFACTOR_VERB: &[&str] = &["refactor", "clean up", "rewrite", "simplify"];
