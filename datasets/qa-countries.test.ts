import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { COUNTRY_QUESTION_TYPES, generateCountries, loadCountries } from './qa-countries.ts'

describe('qa-countries', () => {
  it('loadCountries() reads real facts from world-countries', () => {
    const all = loadCountries()
    assert.ok(all.length > 100)
    const france = all.find((c) => c.name.join(' ') === 'france')
    assert.ok(france)
    assert.deepEqual(france.capital, ['paris'])
    assert.deepEqual(france.subregion, ['western', 'europe'])
    assert.deepEqual(france.language, ['french'])
    assert.ok(france.borders.some((b) => b.join(' ') === 'spain'))
  })

  it('generateCountries() is deterministic, spans match, test uses held-out templates and countries', () => {
    const p = { train: 200, dev: 30, test: 60 }
    const d = generateCountries(4, p)
    assert.deepEqual(d, generateCountries(4, p))
    for (const ex of [...d.train, ...d.dev, ...d.test]) {
      assert.equal(ex.passage.slice(ex.start, ex.end + 1).join(' '), ex.answers[0], ex.id)
      assert.ok(ex.end - ex.start < 3)
    }
    assert.ok(d.test.every((e) => e.template === 2) && d.train.every((e) => e.template < 2))
    const seen = new Set(d.train.map((e) => e.answers[0]))
    const capitals = d.test.filter((e) => e.type === 'capital')
    assert.ok(capitals.length > 0)
    assert.ok(
      capitals.every((e) => !seen.has(e.answers[0])),
      'a test capital was a training answer',
    )
    const types = new Set(d.train.map((e) => e.type))
    for (const t of COUNTRY_QUESTION_TYPES) assert.ok(types.has(t))
  })
})
