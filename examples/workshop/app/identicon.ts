// A GitHub-style identicon drawn locally, so the workshop works without network access: a 5×5 grid,
// mirrored left to right, its cells and colour taken from a SHA-256 hash of the (lower-cased) name.

import { createHash } from "node:crypto";

const SIZE = 5;
const CELL = 70;
const MARGIN = 35;

/** Which cells are filled, row by row; column c mirrors column SIZE-1-c. */
export function identiconGrid(name: string): boolean[][] {
  const hash = createHash("sha256").update(name.toLowerCase()).digest();
  const half = Math.ceil(SIZE / 2);
  const grid: boolean[][] = [];
  let any = false;
  for (let row = 0; row < SIZE; row++) {
    const cells: boolean[] = [];
    for (let col = 0; col < half; col++) {
      const on = hash[row * half + col] % 2 === 0;
      any ||= on;
      cells.push(on);
    }
    grid.push([...cells, ...cells.slice(0, SIZE - half).reverse()]);
  }
  if (!any) grid[Math.floor(SIZE / 2)][Math.floor(SIZE / 2)] = true; // never an empty picture
  return grid;
}

/** The foreground colour: a hue from the hash, with fixed saturation and lightness so it stays readable. */
export function identiconColour(name: string): string {
  const hash = createHash("sha256").update(name.toLowerCase()).digest();
  const hue = hash.readUInt16BE(30) % 360;
  const sat = 45 + (hash[29] % 20);
  const light = 45 + (hash[28] % 15);
  return `hsl(${hue}, ${sat}%, ${light}%)`;
}

/** The identicon as a standalone SVG document. */
export function identiconSvg(name: string): string {
  const grid = identiconGrid(name);
  const side = SIZE * CELL + 2 * MARGIN;
  const rects: string[] = [];
  grid.forEach((cells, row) =>
    cells.forEach((on, col) => {
      if (on)
        rects.push(
          `<rect x="${MARGIN + col * CELL}" y="${MARGIN + row * CELL}" width="${CELL}" height="${CELL}"/>`,
        );
    }),
  );
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges">\n` +
    `<rect width="${side}" height="${side}" fill="#f0f0f0"/>\n` +
    `<g fill="${identiconColour(name)}">${rects.join("")}</g>\n` +
    `</svg>\n`
  );
}
