import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: true, linkify: true });

// Links of a card open in a new tab without giving it the opener; an image its author gave no
// text is marked decorative, so screen readers skip it instead of reading its file name.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'IMG' && !node.hasAttribute('alt')) node.setAttribute('alt', '');
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('rel', 'noopener noreferrer nofollow');
    node.setAttribute('target', '_blank');
  }
});

/** The card's YAML front-matter is metadata (shown as chips), not text. */
export function stripFrontMatter(readme: string): string {
  return readme.replace(/^\uFEFF?---\r?\n[\s\S]*?\r?\n---\r?\n?/, '');
}

/**
 * A card to HTML that is safe to insert: Markdown (with the HTML cards often hold) rendered, then
 * sanitized, so no script, event handler, `javascript:` URL or form survives; images, tables and
 * links do (links open in a new tab without the opener).
 */
export function renderCard(readme: string): string {
  return DOMPurify.sanitize(md.render(stripFrontMatter(readme)), {
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe'],
    FORBID_ATTR: ['style'],
  });
}
