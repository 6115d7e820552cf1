package io.herald.bench.load;

/** Which application a message is posted to and which sink endpoints must then receive it. */
public interface Routing {
  String appFor(long seq);

  int[] endpointsFor(long seq);

  /** Endpoint slots per message in the sink's counting (its key is {@code seq * width + endpoint}). */
  int width();

  /** One application whose {@code fanOut} endpoints (0..fanOut-1) all receive every message. */
  static Routing fanOut(String app, int fanOut) {
    int[] all = new int[fanOut];
    for (int i = 0; i < fanOut; i++) {
      all[i] = i;
    }
    return new Routing() {
      public String appFor(long seq) {
        return app;
      }

      public int[] endpointsFor(long seq) {
        return all;
      }

      public int width() {
        return fanOut;
      }
    };
  }

  /** {@code apps} applications {@code <prefix>-<i>}, one endpoint each (endpoint i); messages go round-robin. */
  static Routing roundRobin(String prefix, int apps) {
    int[][] single = new int[apps][];
    String[] names = new String[apps];
    for (int i = 0; i < apps; i++) {
      single[i] = new int[] {i};
      names[i] = prefix + "-" + i;
    }
    return new Routing() {
      public String appFor(long seq) {
        return names[(int) (seq % apps)];
      }

      public int[] endpointsFor(long seq) {
        return single[(int) (seq % apps)];
      }

      public int width() {
        return apps;
      }
    };
  }
}
