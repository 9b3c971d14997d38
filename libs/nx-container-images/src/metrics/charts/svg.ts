/** escapeXml makes text safe inside SVG elements and attributes. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** svgDocument wraps drawn elements in a standalone SVG of a given size. */
export function svgDocument(
  width: number,
  height: number,
  title: string,
  body: string[],
): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** text draws one label. */
export function text(
  x: number,
  y: number,
  content: string,
  attributes = '',
): string {
  const extra = attributes ? ` ${attributes}` : '';
  return `<text x="${round(x)}" y="${round(y)}"${extra}>${escapeXml(content)}</text>`;
}

/** Attributes of one drawn element; numbers are rounded to 0.1. */
export type Attributes = Record<string, string | number | undefined>;

/**
 * element draws one element: empty when it has no content, else around
 * content that is already SVG (escape text with escapeXml or use text).
 * An undefined attribute is left out.
 */
export function element(
  name: string,
  attributes: Attributes,
  content?: string,
): string {
  const pairs = Object.entries(attributes)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      const shown = typeof value === 'number' ? round(value) : value!;
      return ` ${key}="${escapeXml(String(shown))}"`;
    });
  const open = `<${name}${pairs.join('')}`;
  return content === undefined ? `${open}/>` : `${open}>${content}</${name}>`;
}

/** round keeps coordinates short and the output stable across runs. */
export function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** niceStep picks an axis step of 1, 2 or 5 times a power of ten so that
 * about `ticks` ticks cover span. */
export function niceStep(span: number, ticks: number): number {
  const raw = Math.max(span / ticks, 1e-9);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= raw) ?? 10;
  return step * power;
}
