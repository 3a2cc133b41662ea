package sc.fiji.ganomaly.cli;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;

import sc.fiji.ganomaly.engine.EngineException;
import sc.fiji.ganomaly.engine.EngineMessages;

/**
 * The {@code ganomaly} command line: {@code train}, {@code score} and {@code evaluate}. Exit code
 * 0 on success, 2 on bad usage or input (with a one-line message), 3 when {@code score} scored what
 * it could but some inputs failed (listed in failures.csv) or {@code train} wrote its model from the
 * inputs it could read (the others named in a warning), 1 on an unexpected failure. Ctrl-C or
 * SIGTERM during {@code train} writes the best model so far before the JVM exits with the signal's
 * status (130 or 143) whether or not there was a model to write; the last line says which.
 */
public final class Main {

	static final String HELP = """
		usage: ganomaly <command> [options]

		commands:
		  train     learn normal images, write a model file
		  score     anomaly maps and scores.csv for images
		  evaluate  ROC AUC, PR AUC and best F1 on labelled normal and anomalous images

		'ganomaly <command> --help' describes a command's options.
		""";

	/** The options of each command, for the names of settings in its messages. */
	private static final Map<String, Set<String>> OPTIONS = Map.of("train", TrainCli.OPTIONS, "score", ScoreOptions.NAMES,
		"evaluate", EvaluateCli.OPTIONS);

	private Main() {}

	public static void main(String[] args) {
		System.exit(run(args, System.out, System.err));
	}

	/** Runs a command, GANomaly's warnings going to {@code err}; returns the exit code. */
	public static int run(String[] args, PrintStream out, PrintStream err) {
		java.util.function.Consumer<String> warnings = w -> err.println(ConsoleText.line(w));
		EngineMessages.setSink(warnings);
		try {
			return dispatch(args, out, err);
		}
		finally {
			EngineMessages.clearSink(warnings);
		}
	}

	private static int dispatch(String[] args, PrintStream out, PrintStream err) {
		System.setProperty("java.awt.headless", "true");
		if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
			(args.length == 0 ? err : out).print(HELP);
			return args.length == 0 ? 2 : 0;
		}
		String command = args[0];
		String[] rest = Arrays.copyOfRange(args, 1, args.length);
		boolean help = Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h");
		try {
			switch (command) {
				case "train" -> {
					if (help) out.print(TrainCli.HELP);
					else return TrainCli.run(rest, out, err);
				}
				case "score" -> {
					if (help) out.print(ScoreCli.HELP);
					else return ScoreCli.run(rest, out, err);
				}
				case "evaluate" -> {
					if (help) out.print(EvaluateCli.HELP);
					else EvaluateCli.run(rest, out);
				}
				default -> throw new UsageException("unknown command '" + command + "'; use train, score or evaluate");
			}
			return 0;
		}
		catch (UsageException | IllegalArgumentException | UncheckedIOException | EngineException e) {
			err.println("ganomaly " + command + ": " + ConsoleText.line(Options.spelled(e.getMessage(), OPTIONS.getOrDefault(
				command, Set.of()))));
			if (e instanceof UsageException) err.println("see 'ganomaly " + (OPTIONS.containsKey(command) ? command + " " :
				"") + "--help'");
			return 2;
		}
		catch (CancellationException e) { // stopped (Ctrl-C) before there was anything to write
			err.println("ganomaly " + command + ": " + ConsoleText.line(String.valueOf(e.getMessage())));
			return 130;
		}
		catch (OutOfMemoryError e) {
			err.println("ganomaly " + command + ": out of memory; give Java more (-Xmx) or use smaller images or batches");
			if (System.getenv("GANOMALY_DEBUG") != null) e.printStackTrace(err);
			return 1;
		}
		catch (RuntimeException e) {
			err.println("ganomaly " + command + ": unexpected failure: " + e);
			if (System.getenv("GANOMALY_DEBUG") != null) e.printStackTrace(err);
			return 1;
		}
	}
}
