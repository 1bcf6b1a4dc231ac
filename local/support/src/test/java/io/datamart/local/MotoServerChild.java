package io.datamart.local;

/**
 * A JVM that starts moto, prints the server's process id and waits to be killed: what
 * {@link MotoServerTest} kills to check that moto does not outlive the JVM that started it.
 */
public final class MotoServerChild {
    private MotoServerChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        MotoServer server = MotoServer.start(null, 0);
        System.out.println(server.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
