/** Spectral clustering on the mean Laplacian of the layers. */
import type { AnySubject } from '../../harness/types.ts'
import { spectralMeanLaplacian } from './subject.ts'

export const subjects: readonly AnySubject[] = [spectralMeanLaplacian]
