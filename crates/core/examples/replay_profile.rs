//! Profiling aid for the policy replay: the workbench's case (a year of 5-minute CPU, memory,
//! latency and requests, `synth::usage_replay_inputs`; the seed's thresholds with CPU at 45 %)
//! replayed RUNS times (`replay_profile [RUNS]`, default 1). Instruction counts per replay, free of
//! the machine's noise: run it under `valgrind --tool=callgrind` with 1 and with 11 runs and take a
//! tenth of the difference.
use headroom_core::capacity::{Policy, Prepared};

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let prepared = Prepared::new(&headroom_core::synth::usage_replay_inputs(105_120, 300, 42, 4)).expect("prepares");
    let policy = Policy::from_json(
        r#"{"auto_scaling": {"triggers": {"cpu_usage": 45, "memory_usage": 80, "response_time": "2s"}}}"#,
    )
    .expect("the seed's document");
    let mut events = 0;
    for _ in 0..runs {
        events = prepared.run(&policy).expect("replays").history.events.len();
    }
    eprintln!("{runs} replays, {events} events each");
}
