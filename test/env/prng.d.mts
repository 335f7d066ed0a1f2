/** mulberry32: numbers in [0, 1), the same for the same seed on every machine. */
export function prng(seed: number): () => number;
