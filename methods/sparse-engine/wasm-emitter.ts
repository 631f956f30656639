/**
 * A minimal WebAssembly binary emitter: LEB128, sections, and the handful of opcodes the sparse
 * code generator needs (locals, i32 arithmetic, loops, calls, SIMD128 loads, stores and f32x4 math).
 */

/** Growable byte buffer with the encodings of the wasm binary format. */
export class ByteWriter {
  private buf = new Uint8Array(1024)
  length = 0

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.length + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.length))
    this.buf = next
  }

  byte(b: number): this {
    this.reserve(1)
    this.buf[this.length++] = b
    return this
  }

  bytes(bs: ArrayLike<number>): this {
    this.reserve(bs.length)
    this.buf.set(bs, this.length)
    this.length += bs.length
    return this
  }

  /** Unsigned LEB128 (u32). */
  u32(v: number): this {
    let x = v >>> 0
    do {
      let b = x & 0x7f
      x >>>= 7
      if (x !== 0) b |= 0x80
      this.byte(b)
    } while (x !== 0)
    return this
  }

  /** Signed LEB128 (i32). */
  i32(v: number): this {
    let x = v | 0
    for (;;) {
      const b = x & 0x7f
      x >>= 7
      if ((x === 0 && (b & 0x40) === 0) || (x === -1 && (b & 0x40) !== 0)) {
        this.byte(b)
        return this
      }
      this.byte(b | 0x80)
    }
  }

  name(s: string): this {
    const enc = new TextEncoder().encode(s)
    return this.u32(enc.length).bytes(enc)
  }

  /** A length-prefixed copy of another writer. */
  sized(w: ByteWriter): this {
    return this.u32(w.length).bytes(w.view())
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.length)
  }
}

export const ValType = { i32: 0x7f, v128: 0x7b } as const

/** Opcodes of one function body. */
export class CodeWriter extends ByteWriter {
  localGet(i: number): this {
    return this.byte(0x20).u32(i)
  }
  localSet(i: number): this {
    return this.byte(0x21).u32(i)
  }
  localTee(i: number): this {
    return this.byte(0x22).u32(i)
  }
  i32Const(v: number): this {
    return this.byte(0x41).i32(v)
  }
  i32Add(): this {
    return this.byte(0x6a)
  }
  i32LtU(): this {
    return this.byte(0x49)
  }
  loop(): this {
    return this.byte(0x03).byte(0x40)
  }
  brIf(depth: number): this {
    return this.byte(0x0d).u32(depth)
  }
  end(): this {
    return this.byte(0x0b)
  }
  call(f: number): this {
    return this.byte(0x10).u32(f)
  }
  private simd(op: number): this {
    return this.byte(0xfd).u32(op)
  }
  /** v128.load with an immediate byte offset added to the i32 address on the stack. */
  v128Load(offset: number): this {
    return this.simd(0x00).u32(4).u32(offset)
  }
  /** v128.load32_splat: one f32 broadcast to four lanes. */
  v128Load32Splat(offset: number): this {
    return this.simd(0x09).u32(2).u32(offset)
  }
  v128Store(offset: number): this {
    return this.simd(0x0b).u32(4).u32(offset)
  }
  f32x4Add(): this {
    return this.simd(0xe4)
  }
  f32x4Mul(): this {
    return this.simd(0xe6)
  }
  /** Pseudo-maximum b < a ? a : b (one maxps on x86). */
  f32x4Pmax(): this {
    return this.simd(0xeb)
  }
  /** relaxed f32x4 madd: a·b + c (an FMA where the engine supports relaxed SIMD). */
  f32x4RelaxedMadd(): this {
    return this.simd(0x105)
  }
}

export interface WasmFunction {
  /** Extra locals as (count, type) runs; parameters are none. */
  locals: Array<[number, number]>
  body: CodeWriter
}

/**
 * A module of `() -> ()` functions over one exported memory `mem`, with the named functions
 * exported. Bodies must end with `end`.
 */
export function encodeModule(
  functions: readonly WasmFunction[],
  memoryPages: number,
  exports: ReadonlyArray<[string, number]>,
): Uint8Array {
  const out = new ByteWriter().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00])
  const section = (id: number, content: ByteWriter): void => {
    out.byte(id).sized(content)
  }
  section(1, new ByteWriter().u32(1).byte(0x60).u32(0).u32(0))
  const funcs = new ByteWriter().u32(functions.length)
  for (let i = 0; i < functions.length; i++) funcs.u32(0)
  section(3, funcs)
  section(5, new ByteWriter().u32(1).byte(0x00).u32(memoryPages))
  const ex = new ByteWriter().u32(exports.length + 1)
  ex.name('mem').byte(0x02).u32(0)
  for (const [name, index] of exports) ex.name(name).byte(0x00).u32(index)
  section(7, ex)
  const code = new ByteWriter().u32(functions.length)
  for (const f of functions) {
    const body = new ByteWriter().u32(f.locals.length)
    for (const [count, type] of f.locals) body.u32(count).byte(type)
    body.bytes(f.body.view())
    code.sized(body)
  }
  section(10, code)
  return out.view().slice()
}

/** The slice of the WebAssembly JS API used here (tsconfig's libs carry no WebAssembly types). */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
  validate(bytes: Uint8Array): boolean
}

/** The engine's WebAssembly object, or undefined where there is none. */
export const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly

let relaxed: boolean | undefined
/** Whether this engine validates relaxed-SIMD madd (Node 22+, or Node 20 with a flag). */
export function relaxedSimdSupported(): boolean {
  if (relaxed === undefined) {
    const body = new CodeWriter()
    body.localGet(0).localGet(0).localGet(0).f32x4RelaxedMadd().end()
    const m = new ByteWriter().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00])
    m.byte(1).sized(
      new ByteWriter().u32(1).byte(0x60).u32(1).byte(ValType.v128).u32(1).byte(ValType.v128),
    )
    m.byte(3).sized(new ByteWriter().u32(1).u32(0))
    m.byte(10).sized(new ByteWriter().u32(1).sized(new ByteWriter().u32(0).bytes(body.view())))
    relaxed = wasmApi?.validate(m.view().slice()) ?? false
  }
  return relaxed
}
