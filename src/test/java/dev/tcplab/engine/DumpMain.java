package dev.tcplab.engine;

class DumpMain {

	public static void main(String[] a) {
		Fixtures f = Fixtures.established().afterData().finWait1();
		f.sim.advance(100);
		System.out.println(Fixtures.dump(f.sim.eventsSince(0)));
	}

}
