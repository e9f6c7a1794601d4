// Seeded tfjs-layers building blocks shared by the tasks trained with `model.fit`.
import * as tfl from '@tensorflow/tfjs-layers';

/** Glorot-uniform initialiser number k of a model seeded with `seed`. */
export function seededGlorot(seed: number, k: number) {
  return tfl.initializers.glorotUniform({ seed: seed * 10 + k });
}

/** An embedding whose rows start ~ U(±0.05) (the Keras default), seeded as initialiser 1 of the model. */
export function seededEmbedding(inputDim: number, outputDim: number, inputLength: number, seed: number) {
  return tfl.layers.embedding({
    inputDim,
    outputDim,
    inputLength,
    embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: seed * 10 + 1 }),
  });
}
