/* tslint:disable */
/* eslint-disable */

/**
 * The playground session (JS name `Playground`). Lives in the page's Web Worker.
 */
export class Playground {
    free(): void;
    [Symbol.dispose](): void;
    add_point(x1: number, x2: number, label: number): number;
    clear_points(): void;
    config_json(): string;
    /**
     * Confusion JSON, or `null` for regression.
     */
    confusion_json(): string;
    /**
     * Builds a session from a URL query; bad fields fall back, see `notices_json()`.
     */
    static from_query(query: string): Playground;
    /**
     * History rows `from..`, stride 6: steps, epoch, train loss, test loss, train metric, test metric.
     */
    history(from: number): Float32Array;
    history_len(): number;
    /**
     * Trains on a CSV text; returns the CsvSummary JSON.
     */
    load_csv(text: string, options_json: string): string;
    move_point(id: number, x1: number, x2: number): void;
    /**
     * Id of the nearest hand-placed point within `max_distance`, or -1. A plain JS number
     * (an `i64` would arrive as a BigInt, which the other point methods refuse).
     */
    nearest_point(x1: number, x2: number, max_distance: number): number;
    network_json(): string;
    /**
     * Builds a session from a `PlaygroundConfig` JSON.
     */
    constructor(config_json: string);
    notices_json(): string;
    /**
     * All parameters, flat (layout in `network_json()` offsets).
     */
    params(): Float32Array;
    predict(x1: number, x2: number): Float32Array;
    query(): string;
    remove_point(id: number): void;
    /**
     * The output over the plane, res·res RGBA bytes (a copy).
     */
    render_boundary(res: number): Uint8Array;
    /**
     * Same into an internal buffer; returns its address in `memory()` (len res·res·4).
     */
    render_boundary_ptr(res: number): number;
    /**
     * One thumbnail per input feature, res·res·4 bytes each (a copy).
     */
    render_features(res: number): Uint8Array;
    /**
     * Every neuron's thumbnail, layer-major then unit, res·res·4 bytes each (a copy).
     */
    render_neurons(res: number): Uint8Array;
    render_neurons_ptr(res: number): number;
    reset(): void;
    set_bias(layer: number, unit: number, value: number): void;
    set_config_json(config_json: string): string;
    set_point_label(id: number, label: number): void;
    set_query(query: string): string;
    set_weight(layer: number, row: number, col: number, value: number): void;
    /**
     * Switches to hand-placed points: `classes` 2–10, or 0 for regression.
     */
    start_points(classes: number, from_current: boolean): void;
    state_json(): string;
    /**
     * Runs `batches` steps and scores both sets; returns the StepReport JSON.
     */
    step(batches: number): string;
    test_points(): Float32Array;
    /**
     * Training points, stride 3: x1, x2, class index or value.
     */
    train_points(): Float32Array;
    use_generated(): void;
    /**
     * Hand-placed points, stride 4: id, x1, x2, label.
     */
    user_points(): Float32Array;
}

/**
 * The canonical query of the defaults (config and view), without `?`.
 */
export function default_query(): string;

/**
 * Draws train and test loss against epochs from `history` (the `Playground.history(0)` array,
 * stride 6). `log_scale` plots log10(loss); `hover_epoch` adds a marker and the values there.
 */
export function draw_loss_chart(canvas: HTMLCanvasElement, history: Float32Array | number[], log_scale: boolean, hover_epoch?: number | null): void;

/**
 * Parses any query and returns `{ query, notices }` with the canonical query. Never throws.
 */
export function normalize_query(query: string): string;

/**
 * Every menu option, limit, URL key, tooltip and colour (JSON).
 */
export function options_json(): string;

/**
 * Logs panics to the console instead of the opaque "unreachable executed". Every input is
 * validated before use, so this is the last resort, not the error path.
 */
export function start(): void;

/**
 * The module's linear memory, for views built from the `*_ptr` methods (rebuild them after
 * every call into wasm: growth detaches old buffers). Not named `memory`: that name is taken
 * by the memory export itself.
 */
export function wasm_memory(): any;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_playground_free: (a: number, b: number) => void;
    readonly default_query: () => [number, number];
    readonly draw_loss_chart: (a: any, b: number, c: number, d: number, e: number, f: number) => [number, number];
    readonly normalize_query: (a: number, b: number) => [number, number];
    readonly options_json: () => [number, number];
    readonly playground_add_point: (a: number, b: number, c: number, d: number) => [number, number, number];
    readonly playground_clear_points: (a: number) => [number, number];
    readonly playground_config_json: (a: number) => [number, number];
    readonly playground_confusion_json: (a: number) => [number, number];
    readonly playground_from_query: (a: number, b: number) => [number, number, number];
    readonly playground_history: (a: number, b: number) => any;
    readonly playground_history_len: (a: number) => number;
    readonly playground_load_csv: (a: number, b: number, c: number, d: number, e: number) => [number, number, number, number];
    readonly playground_move_point: (a: number, b: number, c: number, d: number) => [number, number];
    readonly playground_nearest_point: (a: number, b: number, c: number, d: number) => number;
    readonly playground_network_json: (a: number) => [number, number];
    readonly playground_new: (a: number, b: number) => [number, number, number];
    readonly playground_notices_json: (a: number) => [number, number];
    readonly playground_params: (a: number) => any;
    readonly playground_predict: (a: number, b: number, c: number) => [number, number, number];
    readonly playground_query: (a: number) => [number, number];
    readonly playground_remove_point: (a: number, b: number) => [number, number];
    readonly playground_render_boundary: (a: number, b: number) => [number, number, number];
    readonly playground_render_boundary_ptr: (a: number, b: number) => [number, number, number];
    readonly playground_render_features: (a: number, b: number) => [number, number, number];
    readonly playground_render_neurons: (a: number, b: number) => [number, number, number];
    readonly playground_render_neurons_ptr: (a: number, b: number) => [number, number, number];
    readonly playground_reset: (a: number) => [number, number];
    readonly playground_set_bias: (a: number, b: number, c: number, d: number) => [number, number];
    readonly playground_set_config_json: (a: number, b: number, c: number) => [number, number, number, number];
    readonly playground_set_point_label: (a: number, b: number, c: number) => [number, number];
    readonly playground_set_query: (a: number, b: number, c: number) => [number, number, number, number];
    readonly playground_set_weight: (a: number, b: number, c: number, d: number, e: number) => [number, number];
    readonly playground_start_points: (a: number, b: number, c: number) => [number, number];
    readonly playground_state_json: (a: number) => [number, number];
    readonly playground_step: (a: number, b: number) => [number, number, number, number];
    readonly playground_test_points: (a: number) => any;
    readonly playground_train_points: (a: number) => any;
    readonly playground_use_generated: (a: number) => [number, number];
    readonly playground_user_points: (a: number) => any;
    readonly start: () => void;
    readonly wasm_memory: () => any;
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
