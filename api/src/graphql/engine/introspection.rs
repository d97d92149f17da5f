//! What introspection says about the schema itself. async-graphql answers `__schema {
//! description }` with the description of the `__Schema` type, the same text for every server;
//! tools that read the schema's description (GraphiQL's docs, codegen) get ours instead (the
//! response pass in `order` puts it in), and the committed SDL carries it too
//! (`engine::sdl`).

/// The schema's description.
pub const DESCRIPTION: &str = "Papers: research papers (arXiv preprints) listed day by day, \
ranked by community upvotes, searched, discussed in comment threads and gathered into \
collections.";
