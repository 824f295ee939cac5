//! ObjectFIFOs: ends on valid tiles, depths and options that mlir-aie's `ObjectFifoCreateOp`
//! verifier accepts (lib/Dialect/AIE/IR/AIEDialect.cpp at 5ff2ab97d).

use super::{ValidationError, Validator};
use crate::ir::Misuse;
use crate::target::TileKind;

impl Validator<'_> {
    pub(super) fn fifos(&mut self) {
        let d = self.d;
        for (id, f) in d.fifos.iter() {
            let name = &f.name;
            let prod = self.tile(f.producer, || {
                format!("the producer of ObjectFIFO `{name}`")
            });
            let mut cons = Vec::new();
            for (i, c) in f.consumers.iter().enumerate() {
                cons.push(self.tile(c.tile, || format!("consumer {i} of ObjectFIFO `{name}`")));
            }
            if f.consumers.is_empty() {
                self.push(ValidationError::FifoWithoutConsumer { fifo: name.clone() });
            }
            for (i, c) in f.consumers.iter().enumerate() {
                if c.tile == f.producer {
                    self.push(ValidationError::FifoEndpointRepeated {
                        fifo: name.clone(),
                        tile: d.tile_label(c.tile),
                        how: "as producer and consumer",
                    });
                } else if f.consumers[..i].iter().any(|p| p.tile == c.tile) {
                    self.push(ValidationError::FifoEndpointRepeated {
                        fifo: name.clone(),
                        tile: d.tile_label(c.tile),
                        how: "twice as consumer",
                    });
                }
            }
            let shim = |t: &Option<(u32, u32, TileKind)>| matches!(t, Some((_, _, TileKind::Shim)));
            for (c, t) in f.consumers.iter().zip(&cons) {
                if shim(&prod) && shim(t) {
                    self.push(ValidationError::FifoShimToShim {
                        fifo: name.clone(),
                        from: d.tile_label(f.producer),
                        to: d.tile_label(c.tile),
                    });
                }
            }
            self.fifo_depth(f);
            if f.elem.elements() == 0 {
                self.push(ValidationError::FifoElement {
                    fifo: name.clone(),
                    problem: format!("objects of type {} have no elements; give every dimension a size of at least 1", f.elem),
                });
            } else if f.elem.bytes() % u64::from(d.device.model().dma_granularity_bytes) != 0
                && crate::ir::fifo_rules::requires_dma(d, id)
            {
                self.push(ValidationError::FifoElement {
                    fifo: name.clone(),
                    problem: format!(
                        "objects of type {} are {} bytes, but DMAs move whole {}-byte words; make the object size a multiple of {} bytes",
                        f.elem,
                        f.elem.bytes(),
                        d.device.model().dma_granularity_bytes,
                        d.device.model().dma_granularity_bytes
                    ),
                });
            }
            let opt = |problem: String| ValidationError::FifoOption {
                fifo: name.clone(),
                problem,
            };
            if shim(&prod) && !f.dims_to_stream.is_empty() {
                self.push(opt(format!("the producer {} is a shim tile, which cannot reorder data (dims_to_stream); describe the access pattern in the runtime transfer instead", d.tile_label(f.producer))));
            }
            for (c, t) in f.consumers.iter().zip(&cons) {
                if shim(t) && !c.dims_from_stream.is_empty() {
                    self.push(opt(format!("the consumer {} is a shim tile, which cannot reorder data (dims_from_stream); describe the access pattern in the runtime transfer instead", d.tile_label(c.tile))));
                }
            }
            for dims in std::iter::once(&f.dims_to_stream)
                .chain(f.consumers.iter().map(|c| &c.dims_from_stream))
            {
                if dims.iter().any(|x| x.size == 0) {
                    self.push(opt(
                        "a data layout dimension has size 0; every size must be at least 1".into(),
                    ));
                }
                if dims.len() > 4 {
                    self.push(opt(format!(
                        "a data layout has {} dimensions; AIE2 DMAs take at most 4",
                        dims.len()
                    )));
                }
            }
            if let Some(r) = f.repeat_count {
                if r == 0 {
                    self.push(opt(
                        "repeat_count is 0; use at least 1 (1 sends each object once)".into(),
                    ));
                }
                if shim(&prod) {
                    self.push(opt("repeat_count is not allowed on a FIFO whose producer is a shim tile; repeat the runtime transfer instead".into()));
                }
            }
            if let Some(init) = &f.init_values {
                if shim(&prod) {
                    self.push(opt("init_values are not allowed on a FIFO whose producer is a shim tile (it has no buffers)".into()));
                }
                if init.len() as u32 != f.depth.producer() {
                    self.push(opt(format!("init_values has {} objects but the producer depth is {}; give one list per object", init.len(), f.depth.producer())));
                }
                for (i, obj) in init.iter().enumerate() {
                    if obj.len() as u64 != f.elem.elements() {
                        self.push(opt(format!(
                            "init_values object {i} has {} values but {} holds {}",
                            obj.len(),
                            f.elem,
                            f.elem.elements()
                        )));
                    }
                    self.init_values(&format!("ObjectFIFO `{name}`"), Some(i), obj, f.elem.elem());
                }
            }
        }
        for m in &d.misuse {
            match m {
                Misuse::DimsForMissingConsumer {
                    fifo,
                    position,
                    consumers,
                } => self.push(ValidationError::FifoOption {
                    fifo: d.fifo_label(*fifo),
                    problem: format!("dims_from_stream was given for consumer {position}, but the FIFO has {consumers} consumer(s) (positions start at 0)"),
                }),
            }
        }
    }

    fn fifo_depth(&mut self, f: &crate::ir::ObjectFifo) {
        let problem = match &f.depth {
            crate::ir::Depth::Uniform(0) => Some("depth is 0; use at least 1 (2 lets the producer fill one object while the consumer reads the other)".to_string()),
            crate::ir::Depth::Uniform(_) => None,
            crate::ir::Depth::PerEndpoint(v) => {
                if v.len() != f.consumers.len() + 1 {
                    Some(format!(
                        "per-endpoint depths list {} numbers, but the FIFO has 1 producer and {} consumer(s); give [producer, consumer 0, …] ({} numbers)",
                        v.len(),
                        f.consumers.len(),
                        f.consumers.len() + 1
                    ))
                } else if v.contains(&0) {
                    Some("a per-endpoint depth is 0; use at least 1".to_string())
                } else {
                    None
                }
            }
        };
        if let Some(problem) = problem {
            self.push(ValidationError::FifoDepth {
                fifo: f.name.clone(),
                problem,
            });
        }
    }
}
