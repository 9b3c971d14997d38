/**
 * Glob matching for paths relative to the workspace root: `*` and `?` stay
 * within one path segment, `**` spans segments, `[...]` is a character class
 * and `{a,b}` an alternative. Dotfiles match like any other name, as they do
 * in BuildKit's COPY.
 */

const GLOB_CHARACTERS = /[*?[{]/;

/** isGlob tells whether a path contains glob syntax. */
export function isGlob(path: string): boolean {
  return GLOB_CHARACTERS.test(path);
}

/** staticPrefix returns the leading path segments that hold no glob. */
export function staticPrefix(pattern: string): string {
  const segments = pattern.split('/');
  const firstGlob = segments.findIndex((segment) => isGlob(segment));
  if (firstGlob === -1) {
    return pattern;
  }
  return segments.slice(0, firstGlob).join('/') || '.';
}

/** matchesGlob tells whether path matches pattern as a whole. */
export function matchesGlob(path: string, pattern: string): boolean {
  return globToRegExp(pattern).test(path);
}

const cache = new Map<string, RegExp>();

/** globToRegExp compiles a glob into an anchored regular expression. */
export function globToRegExp(pattern: string): RegExp {
  let compiled = cache.get(pattern);
  if (!compiled) {
    compiled = new RegExp(`^${translate(pattern)}$`);
    cache.set(pattern, compiled);
  }
  return compiled;
}

function translate(pattern: string): string {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    if (pattern.startsWith('**/', index)) {
      source += '(?:[^/]*(?:/|$))*';
      index += 2;
    } else if (pattern.startsWith('**', index)) {
      source += '.*';
      index += 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[') {
      const end = pattern.indexOf(']', index + 2);
      if (end === -1) {
        source += '\\[';
        continue;
      }
      const body = pattern.slice(index + 1, end).replace(/^!/, '^');
      source += `[${body.replace(/\\/g, '\\\\')}]`;
      index = end;
    } else if (char === '{') {
      const end = pattern.indexOf('}', index);
      if (end === -1) {
        source += '\\{';
        continue;
      }
      const choices = pattern.slice(index + 1, end).split(',');
      source += `(?:${choices.map(translate).join('|')})`;
      index = end;
    } else {
      source += char.replace(/[.+^$()|\\\]}]/g, '\\$&');
    }
  }
  return source;
}
