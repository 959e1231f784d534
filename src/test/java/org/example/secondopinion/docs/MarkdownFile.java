package org.example.secondopinion.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Markdown file as GitHub renders it, for what the docs check needs: its headings' anchors and its
 * links. Fenced code blocks and inline code are not Markdown to GitHub, so a {@code # comment} in a shell
 * block is no heading and a {@code [x](y)} in backticks is no link.
 */
final class MarkdownFile {

	private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");
	private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
	private static final Pattern INLINE_CODE = Pattern.compile("`+[^`]*`+");
	private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
	private static final Pattern LINK_TEXT = Pattern.compile("\\[([^\\]]*)\\]\\([^)]*\\)");

	/** A link as written, and the line it is on. */
	record Link(String target, int line) {}

	final Path path;
	private final List<String> proseLines = new ArrayList<>();
	private final List<Integer> lineNumbers = new ArrayList<>();

	MarkdownFile(Path path) {
		this.path = path;
		List<String> lines;
		try {
			lines = Files.readAllLines(path);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		boolean inFence = false;
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			if (FENCE.matcher(line).find()) {
				inFence = !inFence;
				continue;
			}
			if (!inFence) {
				proseLines.add(line);
				lineNumbers.add(i + 1);
			}
		}
	}

	/** The anchors of its headings, with GitHub's suffixes for repeated ones ({@code -1}, {@code -2}). */
	Set<String> anchors() {
		Set<String> anchors = new LinkedHashSet<>();
		Map<String, Integer> seen = new HashMap<>();
		for (String line : proseLines) {
			Matcher heading = HEADING.matcher(line);
			if (heading.matches()) {
				String slug = slug(heading.group(1));
				int count = seen.merge(slug, 1, Integer::sum);
				anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
			}
		}
		return anchors;
	}

	List<Link> links() {
		List<Link> links = new ArrayList<>();
		for (int i = 0; i < proseLines.size(); i++) {
			Matcher link = LINK.matcher(INLINE_CODE.matcher(proseLines.get(i)).replaceAll(" "));
			while (link.find()) {
				links.add(new Link(link.group(1), lineNumbers.get(i)));
			}
		}
		return links;
	}

	/**
	 * GitHub's anchor for a heading: the rendered text (code marks dropped, a link's text kept), lower case,
	 * every character but letters, digits, spaces, {@code -} and {@code _} dropped, each space a {@code -}.
	 */
	static String slug(String heading) {
		String text = LINK_TEXT.matcher(heading).replaceAll("$1").replace("`", "").toLowerCase(Locale.ROOT);
		StringBuilder slug = new StringBuilder();
		text.codePoints()
				.filter(c -> Character.isLetterOrDigit(c) || c == ' ' || c == '-' || c == '_')
				.forEach(c -> slug.appendCodePoint(c == ' ' ? '-' : c));
		return slug.toString();
	}
}
