// Two helpers every module of the worker uses: reading the JSON the wasm handle returns, and
// the text of a thrown error (wasm-bindgen throws Error objects carrying the library's message).

/** `json` parsed, or null for a missing value. */
export const parse = (json) => (json == null ? null : JSON.parse(json));

/** The message of anything thrown. */
export const errorMessage = (err) => (err instanceof Error ? err.message : String(err));
