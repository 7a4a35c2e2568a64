// The only module that touches `location` and `history`: reads the query the page was opened
// with and writes back the canonical query that Rust produced. What the query means is decided
// in Rust (`normalize_query`, `Playground::from_query`); this module moves strings.

/** The query string the page was opened with, without the leading `?`. */
export function initialQuery() {
  return location.search.replace(/^\?/, '');
}

/** Shows `query` in the address bar without adding a history entry per slider move. */
export function showQuery(query) {
  const url = `${location.pathname}${query ? `?${query}` : ''}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
}

/** The full link that restores `query` in another browser. */
export function shareLink(query) {
  return `${location.origin}${location.pathname}${query ? `?${query}` : ''}`;
}
