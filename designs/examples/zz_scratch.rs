// Scratch (not committed): designs for a differential check against aie-opt.
use aie_dsl::prelude::*;

fn floats(name: &str, s1: Scalar, s2: Scalar) -> Validated {
    let mut d = DesignBuilder::new(name, Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let core = d.compute_tile(0, 2);
    let line = MemRefType::vector(16, ElemType::I32);
    let f32s = MemRefType::vector(8, ElemType::F32);
    let bf16s = MemRefType::new(vec![2, 4], ElemType::Bf16);
    let i8s = MemRefType::vector(8, ElemType::I8);
    let k = d.kernel(Kernel::new(
        "k",
        [
            line.clone().into(),
            line.clone().into(),
            f32s.clone().into(),
            bf16s.clone().into(),
            i8s.clone().into(),
            ArgType::Scalar(ScalarType::F32),
            ArgType::Scalar(ScalarType::Bf16),
        ],
        "k.o",
    ));
    let a = d.buffer_init(
        core,
        "fa",
        f32s,
        vec![
            InitValue::F32(0.1),
            InitValue::F32(-1.5),
            InitValue::F32(f32::NAN),
            InitValue::F32(f32::INFINITY),
            InitValue::F32(-0.0),
            InitValue::F32(1e-40),
            InitValue::F32(3.0e38),
            InitValue::F32(1234567.0),
        ],
    );
    let b = d.buffer_init(
        core,
        "fb",
        bf16s,
        vec![
            InitValue::Bf16(bf16::from_f32(0.5)),
            InitValue::Bf16(bf16::from_f32(-3.0)),
            InitValue::Bf16(bf16::NAN),
            InitValue::Bf16(bf16::INFINITY),
            InitValue::Bf16(bf16::from_f32(1e-39)),
            InitValue::Bf16(bf16::from_f32(0.1)),
            InitValue::Bf16(bf16::from_f32(-0.0)),
            InitValue::Bf16(bf16::from_f32(7.0)),
        ],
    );
    let c = d.buffer_init(core, "fc", i8s, vec![0i64, 1, -1, 34, 92, 127, -128, 10]);
    let inp = d.fifo("in", shim, [core], 2, line.clone());
    let out = d.fifo("out", core, [shim], 2, line);
    d.core(core, |cb| {
        cb.forever(|cb| {
            let o = cb.produce(out, 1);
            let i = cb.consume(inp, 1);
            cb.call(
                k,
                [
                    i.get(0),
                    o.get(0),
                    a.into(),
                    b.into(),
                    c.into(),
                    s1.into(),
                    s2.into(),
                ],
            );
            cb.release(i);
            cb.release(o);
        })
    });
    d.runtime(|rt| {
        let host = MemRefType::vector(64, ElemType::I32);
        let x = rt.arg(host.clone());
        let y = rt.arg(host);
        rt.fill(inp, x, Transfer::linear(64));
        rt.drain(out, y, Transfer::linear(64));
        rt.wait(out);
    });
    d.finish().unwrap()
}

fn memdma() -> Validated {
    let mut d = DesignBuilder::new("zz_memdma", Device::Npu1_1Col);
    let shim = d.shim_tile(0);
    let mem = d.mem_tile(0);
    let ty = MemRefType::vector(256, ElemType::I32);
    let p = d.buffer(mem, "ping", ty.clone());
    let q = d.buffer(mem, "pong", ty);
    let e = d.lock(mem, "empty", None, 2);
    let f = d.lock(mem, "full", None, 0);
    d.dma(
        DmaChain::new(mem, DmaDir::S2mm, 0)
            .bd(DmaBd::new(p).acquire(e, 1).release(f, 1).bd_id(5))
            .bd(DmaBd::new(q).acquire(e, 1).release(f, 1)),
    );
    d.dma(
        DmaChain::new(mem, DmaDir::Mm2s, 0)
            .bd(DmaBd::new(p).acquire(f, 1).release(e, 1).dims(vec![
                Dim {
                    size: 16,
                    stride: 16,
                },
                Dim {
                    size: 16,
                    stride: 1,
                },
            ]))
            .bd(DmaBd::new(q).acquire(f, 1).release(e, 1).offset(0).len(128))
            .bd(DmaBd::new(q)
                .acquire(f, 1)
                .release(e, 1)
                .offset(128)
                .len(128))
            .loop_to(1),
    );
    d.flow(shim, WireBundle::Dma, 0, mem, WireBundle::Dma, 0);
    d.flow(mem, WireBundle::Dma, 0, shim, WireBundle::Dma, 0);
    let to = d.shim_dma_allocation("to_mem", shim, DmaDir::Mm2s, 0);
    let from = d.shim_dma_allocation("from_mem", shim, DmaDir::S2mm, 0);
    d.runtime(|rt| {
        let host = MemRefType::vector(1024, ElemType::I32);
        let a = rt.arg(host.clone());
        let b = rt.arg(host);
        rt.transfer(to, a, Transfer::linear(1024));
        rt.transfer(from, b, Transfer::linear(1024));
        rt.wait_alloc(from);
    });
    d.finish().unwrap()
}

fn main() {
    let opts = designs::build_options("/tmp/ours");
    for v in [
        floats("zz_floats", Scalar::F32(f32::NAN), Scalar::Bf16(0x3f80)),
        floats("zz_two", Scalar::F32(2.5), Scalar::Bf16(0x3f80)),
        floats("zz_zero", Scalar::F32(-0.0), Scalar::Bf16(0x8000)),
        floats("zz_bnan", Scalar::F32(2.5), Scalar::Bf16(0x7fc0)),
        floats(
            "zz_nan2",
            Scalar::F32(f32::from_bits(0x7fc00001)),
            Scalar::Bf16(0x3f80),
        ),
        memdma(),
    ] {
        match aie_dsl::build(&v, &opts) {
            Ok(b) => println!(
                "{}: {} files; missing {:?}",
                v.name,
                b.files.len(),
                b.missing.iter().map(|m| m.0).collect::<Vec<_>>()
            ),
            Err(e) => println!("{}: error {e}", v.name),
        }
    }
}
