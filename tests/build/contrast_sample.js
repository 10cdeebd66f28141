// The text of the page, one element per look: axe's colour rules check these instead of every
// element with text (thousands on a long page: highlighted code tokens, maths, prose, each
// alike to many others). Two elements look alike when the inputs of their WCAG checks are
// equal: text colour, font size and weight, text shadow, the backgrounds and opacities behind
// the text down to an opaque one, and the colour of the text around it (axe's
// link-in-text-block compares a link with it). Of those alike, the one with the longest
// text stands for them (axe leaves text too short to judge, a lone digit, undecided). Text a
// reader cannot see (clipped away, as KaTeX's MathML for screen readers) stands for nothing.
// Returns each look, as a string, with the element that stands for it.
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
  const clipped = element => {
    for (let e = element; e; e = e.parentElement) {
      const style = getComputedStyle(e)
      if (style.clip !== "auto" || style.clipPath !== "none") return true
    }
    return false
  }
  const ownText = e =>
    [...e.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join("").trim()
  const longest = new Map()
  for (const element of document.body.querySelectorAll("*")) {
    const text = ownText(element)
    if (!text || !element.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue
    if (clipped(element)) continue
    const s = getComputedStyle(element)
    const around = element.parentElement ? getComputedStyle(element.parentElement).color : ""
    const look = [s.color, s.fontSize, s.fontWeight, s.textShadow, behind(element), around].join(" | ")
    if ((longest.get(look)?.text.length ?? -1) < text.length) longest.set(look, {element, text})
  }
  return [...longest].map(([look, {element}]) => ({look, element}))
}
