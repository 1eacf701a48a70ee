// Builds dist/ from the pinned npm packages so the page loads nothing from
// the internet: rasa-webchat's self-contained bundle without its Google Fonts
// @import, and the Inter font it asks for, served from here instead.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const DIST = new URL('./dist/', import.meta.url);
const FONTS = new URL('./fonts/', DIST);
const modules = (path) => new URL(`./node_modules/${path}`, import.meta.url);
const GOOGLE_FONTS_IMPORT = /@import url\(https:\/\/fonts\.googleapis\.com\/[^)]*\);?/g;

mkdirSync(FONTS, { recursive: true });

let bundle = readFileSync(modules('rasa-webchat/lib/index.js'), 'utf8');
if (!GOOGLE_FONTS_IMPORT.test(bundle)) {
  // A new widget version changed how it loads fonts: look before serving it.
  throw new Error('rasa-webchat bundle: Google Fonts @import not found where expected');
}
bundle = bundle.replace(GOOGLE_FONTS_IMPORT, '');
if (/fonts\.(googleapis|gstatic)\.com/.test(bundle)) {
  throw new Error('rasa-webchat bundle still refers to Google Fonts');
}
writeFileSync(new URL('./webchat.js', DIST), bundle);

const faces = [400, 500, 700].map((weight) => {
  const file = `inter-latin-${weight}-normal.woff2`;
  copyFileSync(modules(`@fontsource/inter/files/${file}`), new URL(file, FONTS));
  return `@font-face{font-family:'Inter';font-style:normal;font-display:swap;` +
    `font-weight:${weight};src:url(./${file}) format('woff2');}`;
});
writeFileSync(new URL('./inter.css', FONTS), faces.join('\n') + '\n');
console.log('widget/dist: webchat.js and fonts/ built');
