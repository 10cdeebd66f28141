// Text inside code blocks and maths, one element per look: axe's colour rules check these
// instead of every highlighted token (thousands on a long page, each alike to many others).
// Two elements look alike when the inputs of a WCAG contrast ratio are equal: text colour,
// font size and weight, text shadow, and the backgrounds and opacities behind the text down
// to an opaque background. Of those alike, the one with the longest text stands for them:
// axe leaves text too short to judge (a lone digit) undecided.
() => {
  const behind = element => {
    const layers = []
    for (let e = element; e; e = e.parentElement) {
      const style = getComputedStyle(e)
      if (style.opacity !== "1") layers.push(`opacity ${style.opacity}`)
      if (style.backgroundImage !== "none") layers.push(style.backgroundImage)
      const colour = style.backgroundColor
      if (colour !== "rgba(0, 0, 0, 0)") {
        layers.push(colour)
        if (!colour.startsWith("rgba")) break
      }
    }
    return layers.join(" / ")
  }
  const ownText = e =>
    [...e.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join("").trim()
  const longest = new Map()
  for (const element of document.querySelectorAll("pre *, .katex-html *")) {
    const text = ownText(element)
    if (!text) continue
    const s = getComputedStyle(element)
    const look = [s.color, s.fontSize, s.fontWeight, s.textShadow, behind(element)].join(" | ")
    if ((longest.get(look)?.text.length ?? -1) < text.length) longest.set(look, {element, text})
  }
  return [...longest.values()].map(v => v.element)
}
