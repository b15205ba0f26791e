package jpool.sharing;

/** Shortens the text of a long array: the first elements and how many there are in all. */
final class Preview {
    private Preview() {
    }

    static String of(String firstHundred, int length) {
        if (length <= 100) return firstHundred;
        return firstHundred.substring(0, firstHundred.length() - 1) + ", ... (" + length + " elements)]";
    }
}
