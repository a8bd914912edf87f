/**
 * Pictures of the page for slides: the cluster view or the timeline as a standalone SVG (styles
 * written inline, since the page's stylesheet does not travel with the file) or as a PNG drawn
 * from that SVG.
 */

/** The properties that decide how the SVGs here look. */
const PROPS = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'stroke-linecap', 'opacity', 'font-size', 'font-family', 'font-weight', 'text-anchor', 'dominant-baseline', 'visibility', 'display', 'marker-end', 'marker-start', 'paint-order'];

function inlineStyles(src: Element, dst: Element): void {
  const cs = getComputedStyle(src);
  const style = PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
  dst.setAttribute('style', style);
  for (let i = 0; i < src.children.length; i++) {
    const a = src.children[i]!;
    const b = dst.children[i];
    if (b) inlineStyles(a, b);
  }
}

/**
 * One standalone SVG document from one or more SVGs drawn over each other (the first one's
 * viewBox), with a white background.
 */
export function svgDocument(svgs: SVGSVGElement[]): { text: string; width: number; height: number } {
  const first = svgs[0];
  if (!first) throw new Error('nothing to export');
  const box = first.getBoundingClientRect();
  const width = Math.max(1, Math.round(box.width));
  const height = Math.max(1, Math.round(box.height));
  const out = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  out.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  out.setAttribute('viewBox', first.getAttribute('viewBox') ?? `0 0 ${width} ${height}`);
  out.setAttribute('width', String(width));
  out.setAttribute('height', String(height));
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#ffffff');
  out.appendChild(bg);
  for (const svg of svgs) {
    const g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
    const clone = svg.cloneNode(true) as SVGSVGElement;
    inlineStyles(svg, clone);
    while (clone.firstChild) g.appendChild(clone.firstChild);
    out.appendChild(g);
  }
  return { text: new XMLSerializer().serializeToString(out), width, height };
}

/** Draws an SVG document onto a canvas at `scale` and returns it as PNG. */
export function svgToPng(doc: { text: string; width: number; height: number }, scale = 2): Promise<Blob> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    const url = URL.createObjectURL(new Blob([doc.text], { type: 'image/svg+xml' }));
    img.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = doc.width * scale;
      canvas.height = doc.height * scale;
      const ctx = canvas.getContext('2d');
      if (!ctx) {
        URL.revokeObjectURL(url);
        reject(new Error('this browser cannot draw a PNG here'));
        return;
      }
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0, doc.width, doc.height);
      URL.revokeObjectURL(url);
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be made'))), 'image/png');
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error('the picture could not be drawn'));
    };
    img.src = url;
  });
}

/** Offers a file for download. */
export function download(name: string, data: Blob | string, type = 'application/json'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
