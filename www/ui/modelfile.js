// Opening a model file in the page: the file the page's "Download model" and the CLI's
// `nnplay train --save` write (format "nnplay-model", src/io/model_file.rs). The page reads
// the JSON (the wasm every visitor downloads carries no JSON parser) and hands Rust only the
// link of settings and the flat list of weights, which Rust checks against the network the
// link builds. Anything else gets a sentence that says what the file is and what was expected.

/** Largest model file the page opens: MNIST's 784-256-256-10 is ~6 MB of JSON. */
export const MAX_MODEL_BYTES = 32 * 1024 * 1024;
const FORMAT = 'nnplay-model';
const VERSIONS = [1, 2];

/**
 * Reads `file` into `{ name, query, params: Float32Array, epochs }`, or throws an Error whose
 * message is meant for the student.
 */
export async function readModelFile(file) {
  const name = file.name || 'the file';
  if (file.size > MAX_MODEL_BYTES) {
    throw new Error(`${name} is ${(file.size / 1048576).toFixed(1)} MB; the page opens model files up to ${MAX_MODEL_BYTES / 1048576} MB.`);
  }
  const text = await file.text();
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`${name} is not a model file: it is not JSON (${err.message}). Expected the JSON file that "Download model" or "nnplay train --save" writes.`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error(`${name} is JSON but not a model file: expected an object with "format": "${FORMAT}".`);
  }
  if (doc.format !== FORMAT) {
    const what = typeof doc.format === 'string' ? `a "${doc.format}" file` : 'JSON without a "format" field';
    throw new Error(`${name} is ${what}, not an nnplay model file (format "${FORMAT}", version ${VERSIONS.join(' or ')}).`);
  }
  if (!VERSIONS.includes(doc.version)) {
    throw new Error(`${name} is an nnplay model file of version ${JSON.stringify(doc.version)}; this page reads versions ${VERSIONS.join(' and ')}. A newer nnplay wrote it: open it with that version.`);
  }
  const query = doc.playground && typeof doc.playground.query === 'string' ? doc.playground.query : null;
  if (!query) {
    throw new Error(`${name} is a model without page settings (trained from a CSV file or by the library): the page cannot rebuild its data. Use it with "nnplay predict", or train it with "nnplay train --config" to open it here.`);
  }
  if (!Array.isArray(doc.params) || !doc.params.every((p) => typeof p === 'number')) {
    throw new Error(`${name} has no list of numbers under "params": it is damaged.`);
  }
  return { name, query, params: Float32Array.from(doc.params), epochs: doc.playground.epochs };
}
