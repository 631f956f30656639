/**
 * The MLP 784-300-100-10 and LeNet-5 (same padding, softmax head) as plain tfjs-layers models,
 * for the backend tests and the training benchmark, which may not import the model zoo (the
 * harness imports nothing above it).
 */
import * as tfl from '@tensorflow/tfjs-layers'

export function referenceMlp(): tfl.Sequential {
  const m = tfl.sequential()
  m.add(tfl.layers.dense({ inputShape: [784], units: 300, activation: 'relu' }))
  m.add(tfl.layers.dense({ units: 100, activation: 'relu' }))
  m.add(tfl.layers.dense({ units: 10, activation: 'softmax' }))
  return m
}

export function referenceLenet5(): tfl.Sequential {
  const m = tfl.sequential()
  m.add(
    tfl.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 6,
      kernelSize: 5,
      padding: 'same',
      activation: 'relu',
    }),
  )
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }))
  m.add(tfl.layers.conv2d({ filters: 16, kernelSize: 5, padding: 'same', activation: 'relu' }))
  m.add(tfl.layers.maxPooling2d({ poolSize: 2 }))
  m.add(tfl.layers.flatten())
  m.add(tfl.layers.dense({ units: 120, activation: 'relu' }))
  m.add(tfl.layers.dense({ units: 84, activation: 'relu' }))
  m.add(tfl.layers.dense({ units: 10, activation: 'softmax' }))
  return m
}
