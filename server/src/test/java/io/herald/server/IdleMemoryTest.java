package io.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** {@code serve} turns on G1's periodic collection unless the operator set it, and collects once. */
class IdleMemoryTest {
  private final HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);

  @Test
  void asks_g1_to_collect_when_idle_unless_the_operator_chose_an_interval() {
    assumeTrue(vm.getVMOption("UseG1GC").getValue().equals("true"), "this JVM does not run G1");
    assumeTrue(vm.getVMOption("G1PeriodicGCInterval").getValue().equals("0"), "the interval was set for this JVM");

    IdleMemory.release();
    assertThat(vm.getVMOption("G1PeriodicGCInterval").getValue())
        .isEqualTo(Long.toString(IdleMemory.PERIODIC.toMillis()));

    vm.setVMOption("G1PeriodicGCInterval", "12345"); // as -XX:G1PeriodicGCInterval=12345 would
    IdleMemory.release();
    assertThat(vm.getVMOption("G1PeriodicGCInterval").getValue()).isEqualTo("12345");
    vm.setVMOption("G1PeriodicGCInterval", "0");
  }
}
