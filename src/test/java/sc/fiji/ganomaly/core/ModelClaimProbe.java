package sc.fiji.ganomaly.core;

import java.nio.file.Paths;

/** Another process's claim of a model file: prints TAKEN or the refusal. Argument: MODEL. */
public final class ModelClaimProbe {

	private ModelClaimProbe() {}

	public static void main(String[] args) {
		try (ModelClaim claim = ModelClaim.take(Paths.get(args[0]), "model")) {
			System.out.println("TAKEN");
		}
		catch (IllegalArgumentException e) {
			System.out.println(e.getMessage());
		}
	}
}
