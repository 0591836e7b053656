//! Per-node data of a downstream type, kept in a [`Network`](super::Network)
//! behind one type-erased pointer.

use std::any::Any;
use std::fmt;
use std::mem::size_of;
use std::sync::Arc;

/// What the network needs to know of the values it holds, whatever their
/// type: the values themselves (to be downcast), their type's name, their
/// number and their size.
trait Values: Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn type_name(&self) -> &'static str;
    fn len(&self) -> usize;
    fn bytes(&self) -> usize;
}

impl<D: Send + Sync + 'static> Values for Box<[D]> {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn type_name(&self) -> &'static str {
        std::any::type_name::<D>()
    }
    fn len(&self) -> usize {
        <[D]>::len(self)
    }
    fn bytes(&self) -> usize {
        <[D]>::len(self) * size_of::<D>()
    }
}

/// One value per node, of a type only the caller knows, shared between
/// clones of a network.
#[derive(Clone)]
pub(super) struct NodeData(Arc<dyn Values>);

impl NodeData {
    pub(super) fn new<D: Send + Sync + 'static>(values: Vec<D>) -> Self {
        NodeData(Arc::new(values.into_boxed_slice()))
    }

    /// The values, if they are of type `D`.
    pub(super) fn get<D: Send + Sync + 'static>(&self) -> Option<&[D]> {
        self.0.as_any().downcast_ref::<Box<[D]>>().map(|b| &**b)
    }

    pub(super) fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    /// `size_of::<D>()` per value: what the values hold inline, not what
    /// they may own on the heap.
    pub(super) fn bytes(&self) -> usize {
        self.0.bytes()
    }
}

impl fmt::Debug for NodeData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NodeData")
            .field("type", &self.0.type_name())
            .field("len", &self.0.len())
            .finish()
    }
}
