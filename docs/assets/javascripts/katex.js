// Render maths with the site's own KaTeX on every page load (Material's document$ fires each time).
// Markdown pages: pymdownx.arithmatex wraps TeX in .arithmatex as \(...\) or \[...\].
// Notebook pages: Markdown cells keep their $...$ and $$...$$ as written.
const inline = [{ left: "\\(", right: "\\)", display: false }, { left: "\\[", right: "\\]", display: true }]
const dollars = [{ left: "$$", right: "$$", display: true }, { left: "$", right: "$", display: false }]

document$.subscribe(({ body }) => {
  for (const element of body.querySelectorAll(".arithmatex")) {
    renderMathInElement(element, { delimiters: inline, throwOnError: false })
  }
  for (const element of body.querySelectorAll(".jp-MarkdownCell .jp-RenderedMarkdown")) {
    renderMathInElement(element, { delimiters: [...dollars, ...inline], throwOnError: false })
  }
})
