// Read a JSON list of [where, tex, display] from stdin; print a JSON list of the KaTeX errors.
// Uses the site's own vendored KaTeX, with the options the pages render with, but strict.
const katex = require("../docs/assets/katex/katex.min.js")
let input = ""
process.stdin.on("data", chunk => (input += chunk))
process.stdin.on("end", () => {
  const errors = []
  for (const [where, tex, display] of JSON.parse(input)) {
    try {
      katex.renderToString(tex, { displayMode: display, throwOnError: true })
    } catch (error) {
      errors.push([where, tex, error.message])
    }
  }
  process.stdout.write(JSON.stringify(errors))
})
