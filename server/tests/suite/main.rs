//! The server's integration tests in one binary: linked separately, each file cost a full link
//! of the server (minutes on 2 cores, hundreds of megabytes on disk).

mod common;

mod assets;
mod attachments;
mod bad_input;
mod billing;
mod cli;
mod clients;
mod crash;
mod database;
mod db_restart;
mod erasure;
mod http_edge;
mod identity;
mod isolation;
mod live;
mod members;
mod org_export;
mod outbox;
mod pool_safety;
mod profile;
mod proxy;
mod recovery;
mod renders;
mod requester;
mod rest;
mod scale_seed;
mod second_factor;
mod security;
mod server_functions;
mod tickets;
