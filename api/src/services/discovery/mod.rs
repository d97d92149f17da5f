//! Discovery: papers found by what they are about. A sentence-embedding model run in process
//! (`model`) turns a paper's title and abstract into a vector.

pub mod model;
