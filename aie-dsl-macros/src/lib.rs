//! Procedural macros for aie-dsl. They own syntax only: every expansion is a call into
//! aie-dsl's public builder API. (The macros themselves come with the macros issue.)
