//! Incremental construction of a [`Function`]'s CFG, shared by every frontend.

use crate::ir::*;
use rampart_core::Span;
use rustc_hash::FxHashMap;

/// Builds one function: locals with lexical scopes, blocks, instructions.
pub struct FunctionBuilder {
    pub func: Function,
    current: BlockId,
    scopes: Vec<FxHashMap<String, VarId>>,
    temps: u32,
}

impl FunctionBuilder {
    pub fn new(name: impl Into<String>, qualified_name: impl Into<String>, span: Span) -> Self {
        FunctionBuilder {
            func: Function {
                name: name.into(),
                qualified_name: qualified_name.into(),
                params: Vec::new(),
                decorators: Vec::new(),
                return_type: None,
                class: None,
                is_static: false,
                is_constructor: false,
                non_public: false,
                parent: None,
                locals: Vec::new(),
                blocks: vec![Block {
                    insts: Vec::new(),
                    term: Terminator::Unreachable,
                }],
                span,
            },
            current: 0,
            scopes: vec![FxHashMap::default()],
            temps: 0,
        }
    }

    /// Declares a named local in the innermost scope (shadowing outer ones).
    pub fn declare(&mut self, name: &str, ty: Option<String>) -> VarId {
        let id = self.func.locals.len() as VarId;
        self.func.locals.push(Local {
            name: name.to_string(),
            ty,
        });
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name.to_string(), id);
        }
        id
    }

    /// The local a name refers to, innermost scope first.
    pub fn lookup(&self, name: &str) -> Option<VarId> {
        self.scopes.iter().rev().find_map(|s| s.get(name).copied())
    }

    /// The local for `name`, declared in the function scope if it does not exist yet
    /// (Python/JS `var` semantics).
    pub fn lookup_or_declare(&mut self, name: &str) -> VarId {
        match self.lookup(name) {
            Some(v) => v,
            None => self.declare(name, None),
        }
    }

    pub fn push_scope(&mut self) {
        self.scopes.push(FxHashMap::default());
    }

    pub fn pop_scope(&mut self) {
        if self.scopes.len() > 1 {
            self.scopes.pop();
        }
    }

    /// A fresh temporary.
    pub fn temp(&mut self) -> VarId {
        let id = self.func.locals.len() as VarId;
        self.temps += 1;
        self.func.locals.push(Local {
            name: format!("${}", self.temps),
            ty: None,
        });
        id
    }

    pub fn add_param(&mut self, mut param: Param) -> VarId {
        let var = self.declare(&param.name, param.ty.clone());
        param.var = var;
        self.func.params.push(param);
        var
    }

    pub fn new_block(&mut self) -> BlockId {
        self.func.blocks.push(Block {
            insts: Vec::new(),
            term: Terminator::Unreachable,
        });
        self.func.blocks.len() as BlockId - 1
    }

    pub fn current_block(&self) -> BlockId {
        self.current
    }

    pub fn switch_to(&mut self, block: BlockId) {
        self.current = block;
    }

    /// Whether the current block already ends (after `return`, `throw`, `break`).
    pub fn is_terminated(&self) -> bool {
        !matches!(
            self.func.blocks[self.current as usize].term,
            Terminator::Unreachable
        )
    }

    pub fn emit(&mut self, kind: InstKind, span: Span) {
        if self.is_terminated() {
            // Code after a return/throw: keep it analyzable in a fresh unreachable block.
            let b = self.new_block();
            self.current = b;
        }
        self.func.blocks[self.current as usize]
            .insts
            .push(Inst { kind, span });
    }

    /// Ends the current block unless it already ended.
    pub fn terminate(&mut self, term: Terminator) {
        let block = &mut self.func.blocks[self.current as usize];
        if matches!(block.term, Terminator::Unreachable) {
            block.term = term;
        }
    }

    /// Ends the current block with a jump to `target` (if not already ended) and continues there.
    pub fn goto_and_switch(&mut self, target: BlockId) {
        self.terminate(Terminator::Goto(target));
        self.current = target;
    }

    /// Finishes the function: blocks that never got a terminator return nothing.
    pub fn finish(mut self) -> Function {
        for b in &mut self.func.blocks {
            if matches!(b.term, Terminator::Unreachable) {
                b.term = Terminator::Return(None);
            }
        }
        self.func
    }
}
